package io.flotilla.controlplane.fleet;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** An edge cluster as the control plane knows it: identity, place, generations and presence. */
@Entity
@Table(name = "cluster")
public class Cluster {

    @Id
    public String id;

    public String jurisdiction;

    public Double latitude;

    public Double longitude;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "cluster_label", joinColumns = @JoinColumn(name = "cluster_id"))
    @MapKeyColumn(name = "label_key")
    @Column(name = "label_value")
    public Map<String, String> labels = new HashMap<>();

    @Column(name = "desired_generation")
    public long desiredGeneration;

    @Column(name = "applied_generation")
    public long appliedGeneration;

    @Column(name = "apply_error")
    public String applyError;

    public boolean paused;

    public boolean online;

    @Column(name = "agent_version")
    public String agentVersion;

    @Column(name = "last_status_at")
    public Instant lastStatusAt;

    @Column(name = "last_presence_at")
    public Instant lastPresenceAt;

    @Column(name = "created_at")
    public Instant createdAt;

    /** A {@link ClusterCapacity} as JSON; null when registered without one (nothing can be placed there). */
    @Column(name = "capacity_json")
    public String capacityJson;

    /** A list of {@link ClusterTaint} as JSON; null when untainted. */
    @Column(name = "taints_json")
    public String taintsJson;
}
