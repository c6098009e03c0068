package io.flotilla.controlplane.policy;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The latest placement of one current policy, its {@link StoredDecision} stored as JSON. */
@Entity
@Table(name = "policy_placement")
public class PolicyPlacement {

    @Id
    @Column(name = "policy_name")
    public String policyName;

    public long revision;

    @Column(name = "decision_json")
    @Convert(converter = DecisionColumn.class)
    public StoredDecision decision;

    @Column(name = "placed_at")
    public Instant placedAt;
}
