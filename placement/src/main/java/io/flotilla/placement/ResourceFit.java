package io.flotilla.placement;

import io.flotilla.policy.CpuQuantity;
import io.flotilla.policy.MemoryQuantity;
import io.flotilla.policy.Resources;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a policy needs on one cluster (all its replicas there), and which GPU pool serves it. */
public final class ResourceFit {
    private ResourceFit() {
    }

    public static int replicas(PlacementContext ctx) {
        return ctx.policy().spec().placement().replicasPerCluster();
    }

    public static Resources resources(PlacementContext ctx) {
        return ctx.policy().spec().workload().resources();
    }

    /** The smallest adequate pool with enough free GPUs (then by model name), or empty. */
    public static Optional<GpuPool> pool(PlacementContext ctx, ClusterState c) {
        Resources r = resources(ctx);
        int needed = r.gpu() * replicas(ctx);
        return c.gpus().stream()
                .filter(p -> r.gpuModel().map(m -> m.equals(p.model())).orElse(true))
                .filter(p -> p.memoryGiB() >= r.gpuMemoryGiB())
                .filter(p -> ctx.freeGpus(c, p) >= needed)
                .min(java.util.Comparator.comparingInt(GpuPool::memoryGiB).thenComparing(GpuPool::model));
    }

    /** Why no pool fits, for a cluster where {@link #pool} found none. */
    public static String gpuShortfall(PlacementContext ctx, ClusterState c) {
        Resources r = resources(ctx);
        int needed = r.gpu() * replicas(ctx);
        var models = c.gpus().stream().filter(p -> r.gpuModel().map(m -> m.equals(p.model())).orElse(true)).toList();
        if (c.gpus().isEmpty()) {
            return "needs " + needed + " GPU" + (needed == 1 ? "" : "s") + ", cluster has none";
        }
        if (models.isEmpty()) {
            return "needs GPU model " + r.gpuModel().orElseThrow() + ", cluster has "
                    + c.gpus().stream().map(GpuPool::model).distinct().collect(Collectors.joining(", ", "[", "]"));
        }
        int largestFree = models.stream().filter(p -> ctx.freeGpus(c, p) > 0).mapToInt(GpuPool::memoryGiB).max().orElse(-1);
        if (largestFree < 0) {
            return "needs " + needed + " free GPU" + (needed == 1 ? "" : "s") + ", none free";
        }
        if (largestFree < r.gpuMemoryGiB()) {
            return "needs " + r.gpuMemoryGiB() + " GiB GPU memory per GPU, largest free is " + largestFree + " GiB";
        }
        int mostFree = models.stream().filter(p -> p.memoryGiB() >= r.gpuMemoryGiB()).mapToInt(p -> ctx.freeGpus(c, p)).max().orElse(0);
        return "needs " + needed + " free GPUs" + (r.gpuMemoryGiB() > 0 ? " of at least " + r.gpuMemoryGiB() + " GiB" : "")
                + " (" + replicas(ctx) + " replicas x " + r.gpu() + "), " + mostFree + " free";
    }

    public static long cpuNeeded(PlacementContext ctx) {
        return resources(ctx).cpu().millicores() * replicas(ctx);
    }

    public static long memoryNeeded(PlacementContext ctx) {
        return resources(ctx).memory().bytes() * replicas(ctx);
    }

    public static Reservation reservation(PlacementContext ctx, ClusterState c) {
        Resources r = resources(ctx);
        if (r.gpu() == 0) {
            return new Reservation("", 0, 0, cpuNeeded(ctx), memoryNeeded(ctx));
        }
        GpuPool p = pool(ctx, c).orElseThrow(() -> new IllegalStateException("no GPU pool fits on " + c.id()));
        return new Reservation(p.model(), p.memoryGiB(), r.gpu() * replicas(ctx), cpuNeeded(ctx), memoryNeeded(ctx));
    }

    public static String cpu(long millicores) {
        return new CpuQuantity(millicores).toString();
    }

    public static String memory(long bytes) {
        return new MemoryQuantity(bytes).toString();
    }
}
