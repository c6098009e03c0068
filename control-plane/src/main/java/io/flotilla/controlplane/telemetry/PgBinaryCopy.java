package io.flotilla.controlplane.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Telemetry rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN (FORMAT binary)}): no number or
 * timestamp is turned into text and parsed back (formatting them, {@code Double.toString} and {@code Instant.toString},
 * would cost the writer thread more than the copy itself). Column order and types
 * are {@link TelemetryWriter#COLUMNS}'s: varchar, varchar, timestamptz, double, bigint, bigint, double, double,
 * double.
 */
final class PgBinaryCopy {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final short FIELDS = 9;
    /** PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();

    private PgBinaryCopy() {
    }

    static byte[] encode(List<TelemetrySample> rows) {
        var bytes = new ByteArrayOutputStream(32 + rows.size() * 110);
        try (var out = new DataOutputStream(bytes)) {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // no header extension
            for (TelemetrySample s : rows) {
                out.writeShort(FIELDS);
                text(out, s.clusterId());
                text(out, s.device());
                out.writeInt(8);
                out.writeLong(micros(s.at()));
                number(out, s.utilization());
                number(out, s.memoryUsedMib());
                number(out, s.memoryTotalMib());
                number(out, s.temperatureCelsius());
                number(out, s.powerWatts());
                number(out, s.queueDepth());
            }
            out.writeShort(-1); // trailer
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L), t.getNano() / 1_000);
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** A {@code double precision} (Double) or {@code bigint} (Long) field: 8 bytes, or NULL (length -1). */
    private static void number(DataOutputStream out, Number value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(8);
        if (value instanceof Double d) {
            out.writeDouble(d);
        } else {
            out.writeLong(value.longValue());
        }
    }
}
