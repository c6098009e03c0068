package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ClusterEnrollmentRepository implements PanacheRepositoryBase<ClusterEnrollment, String> {

    public List<ClusterEnrollment> ordered() {
        return list("order by createdAt, clusterId");
    }
}
