package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.support.JsonColumn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Converter;
import org.hibernate.annotations.Immutable;

/** The fleet's JSON columns as typed fields. */
public final class JsonColumns {

    private JsonColumns() {
    }

    @ApplicationScoped
    @Converter
    @Immutable
    public static class Spec extends JsonColumn<WorkloadSpec> {
        public Spec() {
            super(WorkloadSpec.class, "workload spec");
        }
    }

    @ApplicationScoped
    @Converter
    @Immutable
    public static class Capacity extends JsonColumn<ClusterCapacity> {
        public Capacity() {
            super(ClusterCapacity.class, "cluster capacity");
        }
    }

    @ApplicationScoped
    @Converter
    @Immutable
    public static class Taints extends JsonColumn<ClusterTaints> {
        public Taints() {
            super(ClusterTaints.class, "cluster taints");
        }
    }
}
