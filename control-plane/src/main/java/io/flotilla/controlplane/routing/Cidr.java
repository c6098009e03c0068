package io.flotilla.controlplane.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IP network, e.g. {@code 10.20.0.0/16} or {@code fd00::/8}, and IP literals parsed without any name lookup. */
record Cidr(byte[] prefix, int bits, String text) {

    /**
     * @throws IllegalArgumentException naming what is wrong (not address/length, not an IP literal, length out of range)
     */
    static Cidr parse(String cidr) {
        String c = cidr.trim();
        int slash = c.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (address/length)");
        }
        byte[] prefix = literal(c.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(c.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > prefix.length * 8) {
            throw new IllegalArgumentException("the prefix length must be 0.." + prefix.length * 8);
        }
        return new Cidr(prefix, bits, c);
    }

    boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[full] & mask) == (prefix[full] & mask);
    }

    /** An IP literal's bytes (an IPv4-mapped IPv6 literal as its 4 IPv4 bytes), never a name lookup. */
    static byte[] literal(String ip) {
        String s = ip.trim();
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !(s.contains(":") && s.matches("[0-9a-fA-F:.]+"))) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        try {
            byte[] bytes = InetAddress.getByName(s).getAddress();
            if (bytes.length == 16 && isV4Mapped(bytes)) {
                return Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
