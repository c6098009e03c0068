package io.flotilla.agent.state;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.v1.DesiredState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gate desired state passes before anything acts on it: verify the envelope against the
 * pinned control-plane key, drop what is not newer than what is stored, and persist the rest
 * before anyone applies it. Refused payloads are counted per reason and logged at most once per
 * minute, so a flood of forgeries cannot flood the log. Thread-safe.
 */
public final class DesiredStateIntake {

    private static final System.Logger LOG = System.getLogger(DesiredStateIntake.class.getName());
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    /** What became of a payload. */
    public enum Outcome { ACCEPTED, STALE, REJECTED }

    private final String clusterId;
    private final EnvelopeCodec codec;
    private final DesiredStateStore store;
    private final Clock clock;
    private final Map<ProtocolException.Reason, Long> rejected = new EnumMap<>(ProtocolException.Reason.class);
    private long stale;
    private Instant lastRejectLog = Instant.MIN;
    private long rejectsSinceLog;

    public DesiredStateIntake(String clusterId, EnvelopeCodec codec, DesiredStateStore store, Clock clock) {
        this.clusterId = clusterId;
        this.codec = codec;
        this.store = store;
        this.clock = clock;
    }

    public Outcome accept(byte[] payload) {
        DesiredState state;
        try {
            state = codec.decode(payload, clusterId, DesiredState.getDefaultInstance()).payload();
        } catch (ProtocolException e) {
            recordReject(e);
            return Outcome.REJECTED;
        }
        if (!store.storeIfNewer(state)) {
            synchronized (this) {
                stale++;
            }
            LOG.log(Level.DEBUG, "ignoring desired state generation {0} for {1}: generation {2} is already stored",
                    state.getGeneration(), clusterId, store.storedGeneration());
            return Outcome.STALE;
        }
        LOG.log(Level.INFO, "stored desired state generation {0} for {1} ({2} workloads)",
                state.getGeneration(), clusterId, state.getWorkloadsCount());
        return Outcome.ACCEPTED;
    }

    public synchronized long rejected(ProtocolException.Reason reason) {
        return rejected.getOrDefault(reason, 0L);
    }

    public synchronized long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized long stale() {
        return stale;
    }

    private synchronized void recordReject(ProtocolException e) {
        rejected.merge(e.reason(), 1L, Long::sum);
        rejectsSinceLog++;
        Instant now = clock.instant();
        if (lastRejectLog.equals(Instant.MIN) || !now.isBefore(lastRejectLog.plus(LOG_INTERVAL))) {
            LOG.log(Level.WARNING, "dropped desired state for {0}: {1} ({2} dropped since the last report, {3} in all)",
                    clusterId, e.getMessage(), rejectsSinceLog, rejectedTotal());
            lastRejectLog = now;
            rejectsSinceLog = 0;
        }
    }
}
