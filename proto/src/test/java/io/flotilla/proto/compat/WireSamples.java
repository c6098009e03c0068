package io.flotilla.proto.compat;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.GpuCapacity;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.LatencyProbe;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.ModelCache;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.SecretKeyRef;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.proto.v1.Toleration;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * One message of each kind that crosses the broker, every field set, and the keys that sign them: what a release
 * records as its wire fixtures ({@link WireFixtureRecorder}) and what {@link WireCompatibilityTest} sends to, and
 * reads from, the releases recorded before.
 */
final class WireSamples {

    static final String CLUSTER = "edge-fra-1";
    static final Instant TIME = Instant.parse("2026-12-01T10:15:30.123456789Z");
    /** Fixed seeds, so that a recording is byte for byte the same each time it is made from the same code. */
    static final SigningKey CONTROL_PLANE_KEY = SigningKey.fromBase64("ZmxvdGlsbGEtd2lyZS1jb250cm9sLXBsYW5lLWtleSE=");
    static final SigningKey AGENT_KEY = SigningKey.fromBase64("ZmxvdGlsbGEtd2lyZS1lZGdlLWFnZW50LWtleS0wMDE=");

    /** A message that travels one way, and who encodes it. */
    enum Kind {
        DESIRED("desired", "flotilla/control-plane", CONTROL_PLANE_KEY, desiredState()),
        STATUS("status", "flotilla/clusters/" + CLUSTER, AGENT_KEY, clusterStatus()),
        TELEMETRY("telemetry", "flotilla/clusters/" + CLUSTER, AGENT_KEY, telemetryReport()),
        PRESENCE("presence", "flotilla/clusters/" + CLUSTER, AGENT_KEY, presence());

        final String file;
        final String source;
        final SigningKey key;
        final Message sample;

        Kind(String file, String source, SigningKey key, Message sample) {
            this.file = file;
            this.source = source;
            this.key = key;
            this.sample = sample;
        }

        /** The sender's codec of this code: deterministic ids and time. */
        EnvelopeCodec sender() {
            return EnvelopeCodec.builder(source).signWith(key).clock(Clock.fixed(TIME, ZoneOffset.UTC))
                    .ids(() -> UUID.nameUUIDFromBytes(file.getBytes(StandardCharsets.UTF_8)).toString())
                    .build();
        }

        byte[] encode() {
            return sender().encode(CLUSTER, sample);
        }
    }

    private WireSamples() {
    }

    private static Timestamp timestamp() {
        return Timestamp.newBuilder().setSeconds(TIME.getEpochSecond()).setNanos(TIME.getNano()).build();
    }

    static DesiredState desiredState() {
        return DesiredState.newBuilder().setClusterId(CLUSTER).setGeneration(42).setIssuedAt(timestamp())
                .addTrustedKeys(CONTROL_PLANE_KEY.keyId())
                .addWorkloads(InferenceWorkload.newBuilder().setName("chat").setModel("meta-llama/Llama-3.1-8B-Instruct")
                        .setRuntime("vllm").setImage("vllm/vllm-openai:v0.8.5").setPort(8000)
                        .addAllArgs(List.of("--max-model-len=8192", "--gpu-memory-utilization=0.9"))
                        .putEnv("VLLM_LOGGING_LEVEL", "INFO").setReplicas(2)
                        .setResources(Resources.newBuilder().setGpu(1).setGpuMemoryMib(24 * 1024).setCpu("4").setMemory("16Gi"))
                        .putNodeSelector("nvidia.com/gpu.product", "NVIDIA-L4")
                        .addTolerations(Toleration.newBuilder().setKey("nvidia.com/gpu").setOperator("Exists").setEffect("NoSchedule"))
                        .setPolicy("eu-chat").setHealthPath("/health")
                        .setModelCache(ModelCache.newBuilder().setSize("50Gi").setStorageClass("local-path").setMountPath("/models"))
                        .putSecretEnv("HF_TOKEN", SecretKeyRef.newBuilder().setName("hf").setKey("token").build()))
                // over 4 KiB in all, so that the recorded desired state is the gzip-compressed form
                .addWorkloads(InferenceWorkload.newBuilder().setName("embed").setModel("BAAI/bge-m3").setRuntime("tei")
                        .setImage("ghcr.io/huggingface/text-embeddings-inference:1.5").setPort(8080).setReplicas(1)
                        .addAllArgs(Collections.nCopies(200, "--padding-argument")))
                .build();
    }

    static ClusterStatus clusterStatus() {
        return ClusterStatus.newBuilder().setClusterId(CLUSTER).setAppliedGeneration(41).setReportedAt(timestamp())
                .setPaused(false).setAgentVersion("0.1.0").setError("")
                .addWorkloads(WorkloadStatus.newBuilder().setName("chat").setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE)
                        .setReason("MinimumReplicasAvailable").setMessage("2 of 2 ready").setReadyReplicas(2)
                        .setDesiredReplicas(2).setEndpoint("http://10.0.4.7:30080"))
                .build();
    }

    static TelemetryReport telemetryReport() {
        return TelemetryReport.newBuilder().setClusterId(CLUSTER).setTime(timestamp())
                .setCpu(CpuSample.newBuilder().setUsedCores(3.5).setCapacityCores(16).setAllocatableCores(15.5))
                .setMemory(MemorySample.newBuilder().setUsedBytes(8L << 30).setCapacityBytes(64L << 30).setAllocatableBytes(62L << 30))
                .addGpus(GpuSample.newBuilder().setIndex(0).setUuid("GPU-5f3c").setModel("NVIDIA L4").setUtilizationPercent(73.5)
                        .setMemoryUsedMib(18000).setMemoryTotalMib(23034).setTemperatureCelsius(61).setPowerWatts(58.2))
                .addInference(InferenceLoad.newBuilder().setWorkload("chat").setRequestsRunning(3).setRequestsWaiting(1)
                        .setKvCacheUsage(0.42))
                .addLatency(LatencyProbe.newBuilder().setTarget("control-plane").setRttMs(12.5))
                .setGpuCapacity(GpuCapacity.newBuilder().setCapacity(2).setAllocatable(1))
                .build();
    }

    static Presence presence() {
        return Presence.newBuilder().setClusterId(CLUSTER).setState(Presence.State.STATE_ONLINE).setSince(timestamp())
                .setAgentVersion("0.1.0").build();
    }
}
