package io.flotilla.proto;

import java.util.Arrays;
import java.util.Random;

/** Byte-level mutations of valid input, as a fuzzer makes them: cut, flip, overwrite, insert, delete, repeat, splice. */
final class Mutations {

    private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, 0x0a, 0x12, 0x22};
    /** A protobuf varint of 2^31 - 1: a length prefix that claims 2 GiB. */
    private static final byte[] HUGE_LENGTH = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

    private Mutations() {
    }

    /** One to four mutations of {@code input}; the input itself is not changed. */
    static byte[] mutate(byte[] input, Random r) {
        byte[] b = input.clone();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            b = mutateOnce(b, r);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, Random r) {
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        switch (r.nextInt(9)) {
            case 0 -> {
                return Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            }
            case 1 -> {
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 2 -> {
                if (b.length > 0) {
                    b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                }
                return b;
            }
            case 3 -> {
                return insert(b, at, randomBytes(r, 16));
            }
            case 4 -> {
                int end = Math.min(b.length, at + 1 + r.nextInt(32));
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, end, b.length));
            }
            case 5 -> {
                int end = Math.min(b.length, at + 1 + r.nextInt(64));
                return insert(b, at, Arrays.copyOfRange(b, at, end));
            }
            case 6 -> {
                return insert(b, at, HUGE_LENGTH);
            }
            case 7 -> {
                // a length-delimited field (tag 0x12: field 2) that claims far more bytes than follow
                return insert(b, at, concat(new byte[] {0x12}, HUGE_LENGTH));
            }
            default -> {
                return concat(b, randomBytes(r, 32));
            }
        }
    }

    static byte[] randomBytes(Random r, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        r.nextBytes(b);
        return b;
    }

    /**
     * Arbitrary text that protobuf can carry: any character but unpaired surrogates, which protobuf refuses to
     * encode (invalid UTF-8 reaches the decoder through the byte mutations instead).
     */
    static String randomText(Random r, int maxLength) {
        var sb = new StringBuilder();
        for (int n = r.nextInt(maxLength + 1); n > 0; n--) {
            sb.append(switch (r.nextInt(4)) {
                case 0 -> {
                    char c = (char) r.nextInt(0x10000);
                    yield Character.isSurrogate(c) ? '\uFFFD' : c;
                }
                case 1 -> (char) r.nextInt(0x20);
                default -> (char) (0x20 + r.nextInt(0x5f));
            });
        }
        return sb.toString();
    }

    static String mutateText(String text, Random r) {
        var sb = new StringBuilder(text);
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int at = sb.isEmpty() ? 0 : r.nextInt(sb.length());
            switch (r.nextInt(4)) {
                case 0 -> sb.setLength(at);
                case 1 -> sb.insert(at, randomText(r, 4));
                case 2 -> {
                    if (!sb.isEmpty()) {
                        sb.deleteCharAt(at);
                    }
                }
                default -> {
                    if (!sb.isEmpty()) {
                        sb.setCharAt(at, "/+#$\u0000A-".charAt(r.nextInt(7)));
                    }
                }
            }
        }
        return sb.toString();
    }

    static long interestingLong(Random r) {
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 253_402_300_800L, 253_402_300_799L, -62_135_596_800L,
                -62_135_596_801L, 31_556_889_864_403_199L, 31_556_889_864_403_200L, -31_557_014_167_219_200L,
                -31_557_014_167_219_201L};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextLong();
    }

    static int interestingInt(Random r) {
        int[] edges = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 999_999_999, 1_000_000_000};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextInt();
    }

    private static byte[] insert(byte[] b, int at, byte[] inserted) {
        return concat(concat(Arrays.copyOf(b, at), inserted), Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
