package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.MemorySample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * CPU and memory in use: node-wide from /proc, or, when a cgroup v2 directory is configured
 * (such as kubepods.slice), what that cgroup uses. CPU use is a rate, so the first sample reports
 * no CPU use and each later one the average since the previous. Not thread-safe: one telemetry
 * thread calls it.
 */
public final class NodeSampler {

    private final Path procRoot;
    private final Optional<Path> cgroup;
    private ProcFiles.CpuTimes lastTimes;
    private long lastCgroupMicros = -1;
    private Instant lastCgroupAt;

    public NodeSampler(Path procRoot, Optional<Path> cgroup) {
        this.procRoot = procRoot;
        this.cgroup = cgroup;
    }

    public double usedCores(Instant now) {
        if (cgroup.isPresent()) {
            long micros = ProcFiles.cgroupCpuUsageMicros(read(cgroup.get().resolve("cpu.stat")));
            double cores = 0;
            if (lastCgroupMicros >= 0) {
                long wallMicros = Duration.between(lastCgroupAt, now).toNanos() / 1000;
                cores = wallMicros > 0 ? (double) (micros - lastCgroupMicros) / wallMicros : 0;
            }
            lastCgroupMicros = micros;
            lastCgroupAt = now;
            return cores;
        }
        ProcFiles.CpuTimes times = ProcFiles.cpuTimes(read(procRoot.resolve("stat")));
        double cores = lastTimes == null ? 0 : times.usedCoresSince(lastTimes);
        lastTimes = times;
        return cores;
    }

    public int cpus() {
        return ProcFiles.cpuTimes(read(procRoot.resolve("stat"))).cpus();
    }

    public long usedMemoryBytes() {
        if (cgroup.isPresent()) {
            return ProcFiles.cgroupBytes(read(cgroup.get().resolve("memory.current"))).orElse(0);
        }
        return ProcFiles.memInfo(read(procRoot.resolve("meminfo"))).usedBytes();
    }

    public long totalMemoryBytes() {
        return ProcFiles.memInfo(read(procRoot.resolve("meminfo"))).totalBytes();
    }

    /** A CPU sample with capacity from this node's files; the collector overrides capacity from the API where known. */
    public CpuSample cpu(Instant now) {
        return CpuSample.newBuilder().setUsedCores(usedCores(now)).setCapacityCores(cpus()).build();
    }

    public MemorySample memory() {
        return MemorySample.newBuilder().setUsedBytes(usedMemoryBytes()).setCapacityBytes(totalMemoryBytes()).build();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
