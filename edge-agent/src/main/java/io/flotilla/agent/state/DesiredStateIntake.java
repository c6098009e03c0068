package io.flotilla.agent.state;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The gate desired state passes before anything acts on it: verify the envelope against the
 * pinned control-plane keys, drop what is not newer than what is stored, and persist the rest
 * before anyone applies it. Refused payloads are counted per reason and logged at most once per
 * minute, so a flood of forgeries cannot flood the log. Thread-safe.
 *
 * <p>An agent that has never stored desired state (new, or its state directory lost) has no
 * generation to compare with, so an old, validly signed desired state replayed to it would be
 * applied. Until it stores its first one it therefore refuses any issued before the floor its
 * enrollment gave it; from then on the generation rule alone decides.
 */
public final class DesiredStateIntake {

    private static final System.Logger LOG = System.getLogger(DesiredStateIntake.class.getName());
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    /** What became of a payload. */
    public enum Outcome { ACCEPTED, STALE, BELOW_FLOOR, REJECTED }

    private final String clusterId;
    private final EnvelopeCodec codec;
    private final DesiredStateStore store;
    private final Clock clock;
    private final Instant floor;
    /** The control-plane keys trusted now: enrollment's, or those the newest stored desired state names. */
    private volatile List<VerificationKey> trusted;
    private final Map<ProtocolException.Reason, Long> rejected = new EnumMap<>(ProtocolException.Reason.class);
    private long stale;
    private long belowFloor;
    private Instant lastRejectLog = Instant.MIN;
    private long rejectsSinceLog;

    /** @param floor while nothing is stored, desired state issued before this instant is refused */
    public DesiredStateIntake(String clusterId, EnvelopeCodec codec, DesiredStateStore store, Clock clock,
            Instant floor) {
        this.clusterId = clusterId;
        this.codec = codec;
        this.store = store;
        this.clock = clock;
        this.floor = floor;
        this.trusted = store.desired().filter(d -> d.getTrustedKeysCount() > 0).map(DesiredStateIntake::keysOf)
                .orElse(List.copyOf(codec.trustedKeys()));
    }

    /** The control-plane keys this agent trusts now. */
    public List<VerificationKey> trustedKeys() {
        return trusted;
    }

    private static List<VerificationKey> keysOf(DesiredState state) {
        return state.getTrustedKeysList().stream().map(VerificationKey::fromBase64).toList();
    }

    public Outcome accept(byte[] payload) {
        DesiredState state;
        try {
            state = codec.decodeTrusting(payload, clusterId, DesiredState.getDefaultInstance(), trusted).payload();
        } catch (ProtocolException e) {
            recordReject(e);
            return Outcome.REJECTED;
        }
        synchronized (this) {
            // checked and stored under one lock, so a second payload cannot slip in between the two
            if (store.desired().isEmpty() && issuedAt(state).isBefore(floor)) {
                belowFloor++;
                LOG.log(Level.WARNING, "refused desired state generation {0} for {1}: issued at {2}, before {3}, "
                        + "the earliest this newly enrolled agent accepts (a replay?); {4} refused so far",
                        state.getGeneration(), clusterId, issuedAt(state), floor, belowFloor);
                return Outcome.BELOW_FLOOR;
            }
            if (!store.storeIfNewer(state)) {
                stale++;
                LOG.log(Level.DEBUG, "ignoring desired state generation {0} for {1}: generation {2} is already stored",
                        state.getGeneration(), clusterId, store.storedGeneration());
                return Outcome.STALE;
            }
        }
        LOG.log(Level.INFO, "stored desired state generation {0} for {1} ({2} workloads)",
                state.getGeneration(), clusterId, state.getWorkloadsCount());
        if (state.getTrustedKeysCount() > 0) {
            trustFrom(state);
        }
        return Outcome.ACCEPTED;
    }

    /**
     * A verified desired state names the keys to trust from now on (a signing-key rotation). A list with no valid key
     * would lock the agent out, so it is ignored. Kept with the stored state, so a restart trusts the same keys.
     */
    private void trustFrom(DesiredState state) {
        List<VerificationKey> next;
        try {
            next = keysOf(state);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "desired state generation {0} names a trusted key that is not an Ed25519 key; "
                    + "keeping {1}: {2}", state.getGeneration(), keyIds(trusted), e.getMessage());
            return;
        }
        if (!next.equals(trusted)) {
            LOG.log(Level.INFO, "control-plane keys trusted from generation {0} on: {1} (were {2})",
                    state.getGeneration(), keyIds(next), keyIds(trusted));
            trusted = next;
        }
    }

    private static List<String> keyIds(List<VerificationKey> keys) {
        return keys.stream().map(VerificationKey::keyId).toList();
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

    /** Desired states refused because they were issued before the floor while nothing was stored. */
    public synchronized long belowFloor() {
        return belowFloor;
    }

    private static Instant issuedAt(DesiredState state) {
        return Instant.ofEpochSecond(state.getIssuedAt().getSeconds(), state.getIssuedAt().getNanos());
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
