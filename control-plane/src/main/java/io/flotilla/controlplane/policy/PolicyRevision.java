package io.flotilla.controlplane.policy;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** One applied version of a policy, in canonical YAML so that versions compare and diff line by line. */
@Entity
@Table(name = "policy_revision")
public class PolicyRevision {

    @EmbeddedId
    public Key key;

    public String yaml;

    /** The file (or request) it came from, as the client named it. */
    public String source;

    public boolean deleted;

    /** The name of the API token that applied it (the audit log has the rest of the call). */
    @Column(name = "applied_by")
    public String appliedBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Embeddable
    public record Key(@Column(name = "policy_name") String policyName, @Column(name = "revision") long revision)
            implements Serializable {
    }

    public String name() {
        return key.policyName();
    }

    public long revision() {
        return key.revision();
    }
}
