package io.flotilla.controlplane.policy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The latest placement of one current policy; {@code decisionJson} is a {@link StoredDecision}. */
@Entity
@Table(name = "policy_placement")
public class PolicyPlacement {

    @Id
    @Column(name = "policy_name")
    public String policyName;

    public long revision;

    @Column(name = "decision_json")
    public String decisionJson;

    @Column(name = "placed_at")
    public Instant placedAt;
}
