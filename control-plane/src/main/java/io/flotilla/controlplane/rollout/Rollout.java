package io.flotilla.controlplane.rollout;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One policy change rolling out in waves. */
@Entity
@Table(name = "rollout")
public class Rollout {

    public enum State {
        RUNNING, PAUSED, DONE,
        /** A newer revision (or the policy's deletion) took over before this one finished. */
        SUPERSEDED;

        public boolean active() {
            return this == RUNNING || this == PAUSED;
        }
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "policy_name")
    public String policyName;

    public long revision;

    @Column(name = "from_revision")
    public long fromRevision;

    @Enumerated(EnumType.STRING)
    public State state;

    /** Why it paused or how it ended; null while running normally. */
    public String reason;

    @Column(name = "wave_size")
    public String waveSize;

    @Column(name = "max_unavailable")
    public String maxUnavailable;

    @Column(name = "pause_on_failure")
    public boolean pauseOnFailure;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
