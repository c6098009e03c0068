package io.flotilla.controlplane.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The last status an agent reported for one of its workloads. */
@Entity
@Table(name = "workload_status")
public class WorkloadStatusRecord {

    @EmbeddedId
    public ClusterWorkload.Key key;

    public String condition;

    public String reason;

    public String message;

    @Column(name = "ready_replicas")
    public int readyReplicas;

    @Column(name = "desired_replicas")
    public int desiredReplicas;

    public String endpoint;
}
