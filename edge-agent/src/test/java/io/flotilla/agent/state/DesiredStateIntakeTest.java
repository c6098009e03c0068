package io.flotilla.agent.state;

import static io.flotilla.agent.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.flotilla.agent.Fixtures;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.v1.DesiredState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay floor of a newly enrolled agent, in front of the generation rule. */
class DesiredStateIntakeTest {

    private static final Instant FLOOR = Instant.parse("2026-12-05T21:00:00Z");

    @TempDir
    Path stateDir;

    private final SigningKey controlPlaneKey = Fixtures.newKey();
    private final EnvelopeCodec controlPlane = Fixtures.controlPlaneCodec(controlPlaneKey);
    private DesiredStateStore store;
    private DesiredStateIntake intake;

    @BeforeEach
    void open() throws IOException {
        store = DesiredStateStore.open(stateDir);
        intake = new DesiredStateIntake(CLUSTER, Fixtures.agentCodec(controlPlaneKey), store, Clock.systemUTC(), FLOOR);
    }

    private static byte[] signed(EnvelopeCodec codec, long generation, Instant issuedAt) {
        DesiredState state = Fixtures.desired(generation).toBuilder()
                .setIssuedAt(Timestamp.newBuilder().setSeconds(issuedAt.getEpochSecond()).setNanos(issuedAt.getNano()))
                .build();
        return codec.encode(CLUSTER, state);
    }

    @Test
    void aFreshAgentRefusesDesiredStateIssuedBeforeItsFloorAndStoresNothing() {
        var outcome = intake.accept(signed(controlPlane, 7, FLOOR.minusSeconds(3600)));

        assertThat(outcome).isEqualTo(DesiredStateIntake.Outcome.BELOW_FLOOR);
        assertThat(intake.belowFloor()).isEqualTo(1);
        assertThat(store.desired()).isEmpty();
    }

    @Test
    void aFreshAgentRefusesDesiredStateWithoutAnIssueTime() {
        var outcome = intake.accept(controlPlane.encode(CLUSTER, Fixtures.desired(3)));

        assertThat(outcome).isEqualTo(DesiredStateIntake.Outcome.BELOW_FLOOR);
        assertThat(store.storedGeneration()).isZero();
    }

    @Test
    void aFreshAgentAcceptsDesiredStateIssuedAtOrAfterItsFloor() {
        assertThat(intake.accept(signed(controlPlane, 1, FLOOR))).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
        assertThat(store.storedGeneration()).isEqualTo(1);
    }

    @Test
    void onceSomethingIsStoredTheGenerationAloneDecides() {
        intake.accept(signed(controlPlane, 1, FLOOR.plusSeconds(60)));

        // a newer generation whose issue time is before the floor (an older control-plane clock, say) is taken
        var newer = intake.accept(signed(controlPlane, 2, FLOOR.minusSeconds(60)));
        var older = intake.accept(signed(controlPlane, 1, FLOOR.plusSeconds(120)));

        assertThat(newer).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
        assertThat(older).isEqualTo(DesiredStateIntake.Outcome.STALE);
        assertThat(store.storedGeneration()).isEqualTo(2);
        assertThat(intake.belowFloor()).isZero();
    }

    @Test
    void anAgentRestartedWithStoredStateDoesNotApplyTheFloor() throws IOException {
        intake.accept(signed(controlPlane, 4, FLOOR));
        DesiredStateStore reopened = DesiredStateStore.open(stateDir);
        DesiredStateIntake afterRestart = new DesiredStateIntake(CLUSTER, Fixtures.agentCodec(controlPlaneKey), reopened,
                Clock.systemUTC(), FLOOR);

        assertThat(afterRestart.accept(signed(controlPlane, 5, FLOOR.minusSeconds(1))))
                .isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
    }

    @Test
    void aForgedDesiredStateIsRejectedBeforeTheFloorIsConsidered() {
        EnvelopeCodec forger = Fixtures.controlPlaneCodec(Fixtures.newKey());

        assertThat(intake.accept(signed(forger, 9, FLOOR.plusSeconds(1))))
                .isEqualTo(DesiredStateIntake.Outcome.REJECTED);
        assertThat(intake.belowFloor()).isZero();
    }

    @Test
    void aKeyRotationMovesTheAgentsTrustToTheNewKeyAndARestartKeepsIt() throws IOException {
        SigningKey next = Fixtures.newKey();
        EnvelopeCodec nextCodec = Fixtures.controlPlaneCodec(next);
        Instant t = FLOOR.plusSeconds(60);
        // distributing: signed with the active key, naming both
        byte[] both = controlPlane.encode(CLUSTER, withIssuedAt(Fixtures.desired(1), t).toBuilder()
                .addTrustedKeys(controlPlaneKey.verificationKey().toBase64()).addTrustedKeys(next.verificationKey().toBase64())
                .build());
        assertThat(intake.accept(both)).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
        assertThat(intake.trustedKeys()).containsExactly(controlPlaneKey.verificationKey(), next.verificationKey());

        // switched: signed with the new key, naming it alone
        byte[] onlyNext = nextCodec.encode(CLUSTER, withIssuedAt(Fixtures.desired(2), t.plusSeconds(1)).toBuilder()
                .addTrustedKeys(next.verificationKey().toBase64()).build());
        assertThat(intake.accept(onlyNext)).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
        assertThat(intake.trustedKeys()).containsExactly(next.verificationKey());

        // the former key is retired: what it signs is refused, also after a restart
        assertThat(intake.accept(signed(controlPlane, 3, t.plusSeconds(2)))).isEqualTo(DesiredStateIntake.Outcome.REJECTED);
        DesiredStateIntake restarted = new DesiredStateIntake(CLUSTER, Fixtures.agentCodec(controlPlaneKey),
                DesiredStateStore.open(stateDir), Clock.systemUTC(), FLOOR);
        assertThat(restarted.trustedKeys()).containsExactly(next.verificationKey());
        assertThat(restarted.accept(signed(controlPlane, 4, t.plusSeconds(3)))).isEqualTo(DesiredStateIntake.Outcome.REJECTED);
        assertThat(restarted.accept(signed(nextCodec, 4, t.plusSeconds(3)))).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
    }

    @Test
    void aDesiredStateNamingNoUsableKeyDoesNotLockTheAgentOut() {
        byte[] bad = controlPlane.encode(CLUSTER, withIssuedAt(Fixtures.desired(1), FLOOR.plusSeconds(1)).toBuilder()
                .addTrustedKeys("bm90IGEga2V5").build());
        assertThat(intake.accept(bad)).isEqualTo(DesiredStateIntake.Outcome.ACCEPTED);
        assertThat(intake.trustedKeys()).containsExactly(controlPlaneKey.verificationKey());
    }

    private static DesiredState withIssuedAt(DesiredState state, Instant issuedAt) {
        return state.toBuilder()
                .setIssuedAt(Timestamp.newBuilder().setSeconds(issuedAt.getEpochSecond()).setNanos(issuedAt.getNano()))
                .build();
    }
}
