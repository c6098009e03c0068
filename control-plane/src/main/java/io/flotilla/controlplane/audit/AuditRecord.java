package io.flotilla.controlplane.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/**
 * One mutating API call as it was answered. Immutable to Hibernate (a changed field is never written back), and
 * {@link AuditLog} only inserts and reads: the log is append-only.
 */
@Entity
@Immutable
@Table(name = "audit_record")
public class AuditRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public Instant at;

    @Column(name = "actor_token_id")
    public String actorTokenId;

    @Column(name = "actor_name")
    public String actorName;

    @Column(name = "actor_role")
    public String actorRole;

    public String method;

    public String path;

    public String target;

    public String revision;

    public int status;
}
