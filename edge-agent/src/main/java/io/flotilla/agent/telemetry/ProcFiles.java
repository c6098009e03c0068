package io.flotilla.agent.telemetry;

import java.util.OptionalLong;

/**
 * Parsers for the Linux files node figures come from: /proc/stat and /proc/meminfo for the whole
 * node, cgroup v2 {@code cpu.stat}, {@code memory.current} and {@code memory.max} for a cgroup.
 */
public final class ProcFiles {

    /** Cumulative CPU time from /proc/stat, in clock ticks, and the number of CPUs. */
    public record CpuTimes(long busy, long total, int cpus) {

        /** Cores in use between {@code earlier} and this reading. */
        public double usedCoresSince(CpuTimes earlier) {
            long totalDelta = total - earlier.total;
            if (totalDelta <= 0) {
                return 0;
            }
            return (double) (busy - earlier.busy) / totalDelta * cpus;
        }
    }

    /** Memory from /proc/meminfo, in bytes. */
    public record Memory(long totalBytes, long availableBytes) {
        public long usedBytes() {
            return totalBytes - availableBytes;
        }
    }

    private ProcFiles() {
    }

    public static CpuTimes cpuTimes(String procStat) {
        long busy = -1;
        long total = 0;
        int cpus = 0;
        for (String line : procStat.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("cpu")) {
                // user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
                long idle = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
                busy = total - idle;
            } else if (f[0].startsWith("cpu")) {
                cpus++;
            }
        }
        if (busy < 0) {
            throw new IllegalArgumentException("no aggregate 'cpu' line in /proc/stat");
        }
        return new CpuTimes(busy, total, Math.max(cpus, 1));
    }

    public static Memory memInfo(String meminfo) {
        long total = -1;
        long available = -1;
        for (String line : meminfo.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            long kib = Long.parseLong(f[1]);
            if (f[0].equals("MemTotal:")) {
                total = kib * 1024;
            } else if (f[0].equals("MemAvailable:")) {
                available = kib * 1024;
            }
        }
        if (total < 0 || available < 0) {
            throw new IllegalArgumentException("/proc/meminfo lacks MemTotal or MemAvailable");
        }
        return new Memory(total, available);
    }

    /** {@code usage_usec} from a cgroup v2 {@code cpu.stat}. */
    public static long cgroupCpuUsageMicros(String cpuStat) {
        for (String line : cpuStat.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("usage_usec")) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalArgumentException("cpu.stat lacks usage_usec");
    }

    /** A cgroup v2 {@code memory.max} or {@code memory.current}: empty for "max" (no limit). */
    public static OptionalLong cgroupBytes(String content) {
        String value = content.strip();
        return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
    }
}
