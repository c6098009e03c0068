package io.flotilla.controlplane.support;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Timers along the path of a change from the API to the broker, as {@code flotilla_change_stage_seconds{stage}}
 * with p50 and p99 over the last minutes: where the time of a policy change goes on the control plane's side.
 * The agents' side (received, verified and stored, applied) is in their status and, in the convergence
 * benchmark, timed per cluster.
 */
@Startup // registered at start, so that every stage is on /q/metrics before the first change
@ApplicationScoped
public class ChangeStages {

    /** The stages, in the order a change passes them. */
    public enum Stage {
        /** A policy apply or delete through the API: the whole call, its transaction's commit included. */
        API("api"),
        /** Reading the fleet, the placement engine and the per-cluster workload diff. */
        PLACEMENT("placement"),
        /** Storing decisions and workloads, and every changed cluster's dispatch, before the transaction commits. */
        COMMIT("commit"),
        /** One cluster: its desired state compiled and signed. */
        COMPILE_SIGN("compile-sign"),
        /** One cluster: its signed desired state written to the outbox (flushed with the transaction). */
        OUTBOX_WRITE("outbox-write"),
        /** One cluster: from the outbox write to the broker's acknowledgement of its publish. */
        OUTBOX_TO_ACK("outbox-to-ack"),
        /** One cluster: from handing the publish to the MQTT client to the broker's acknowledgement. */
        PUBLISH_ACK("publish-ack");

        private final String tag;

        Stage(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final Map<Stage, Timer> timers = new EnumMap<>(Stage.class);

    ChangeStages(MeterRegistry registry) {
        for (Stage stage : Stage.values()) {
            timers.put(stage, Timer.builder("flotilla.change.stage")
                    .description("Time a change spends in one stage on its way from the API to the broker")
                    .tag("stage", stage.tag())
                    .publishPercentiles(0.5, 0.99)
                    .distributionStatisticExpiry(Duration.ofMinutes(5))
                    .register(registry));
        }
    }

    /** @param startNanos {@link System#nanoTime()} at the stage's start */
    public void since(Stage stage, long startNanos) {
        record(stage, System.nanoTime() - startNanos);
    }

    public void record(Stage stage, long nanos) {
        timers.get(stage).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void record(Stage stage, Duration duration) {
        record(stage, duration.toNanos());
    }
}
