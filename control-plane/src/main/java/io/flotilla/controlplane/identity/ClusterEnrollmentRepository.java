package io.flotilla.controlplane.identity;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ClusterEnrollmentRepository implements PanacheRepositoryBase<ClusterEnrollment, String> {

    public List<ClusterEnrollment> ordered() {
        return list("order by createdAt, clusterId");
    }

    /** The enrollment whose bootstrap token has this hash, locked: two exchanges of one token never both succeed. */
    public Optional<ClusterEnrollment> byTokenHashForUpdate(String tokenHash) {
        return find("bootstrapTokenHash", tokenHash).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Every exchanged, unrevoked enrollment: the fleet's identities (normally one per cluster). */
    public List<ClusterEnrollment> active() {
        return list("tokenSpentAt is not null and revokedAt is null order by tokenSpentAt");
    }

    public List<ClusterEnrollment> activeOf(String clusterId) {
        return list("clusterId = ?1 and tokenSpentAt is not null and revokedAt is null", clusterId);
    }
}
