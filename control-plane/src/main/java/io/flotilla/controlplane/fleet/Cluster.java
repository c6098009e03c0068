package io.flotilla.controlplane.fleet;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
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
import org.hibernate.annotations.BatchSize;

/** An edge cluster as the control plane knows it: identity, place, generations and presence. */
@Entity
@Table(name = "cluster")
public class Cluster {

    @Id
    public String id;

    public String jurisdiction;

    public Double latitude;

    public Double longitude;

    /** Loaded for up to a thousand clusters per query: a listing's page reads its labels at once. */
    @ElementCollection(fetch = FetchType.EAGER)
    @BatchSize(size = 1000)
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

    @Column(name = "last_telemetry_at")
    public Instant lastTelemetryAt;

    /** When the cluster last went offline; null while online. */
    @Column(name = "offline_since")
    public Instant offlineSince;

    /** Offline for longer than the placement grace period: placement moves its workloads elsewhere. */
    @Column(name = "placement_offline")
    public boolean placementOffline;

    /** Did not apply its desired generation within the acknowledgement timeout, even after a re-publication. */
    public boolean unacknowledged;

    @Column(name = "created_at")
    public Instant createdAt;

    /** Null when registered without one (nothing can be placed there). */
    @Column(name = "capacity_json")
    @Convert(converter = JsonColumns.Capacity.class)
    public ClusterCapacity capacity;

    /** Null when untainted. */
    @Column(name = "taints_json")
    @Convert(converter = JsonColumns.Taints.class)
    public ClusterTaints taints;

    /** The newest of the status, presence and telemetry times: the cluster's last sign of life. */
    public Instant lastReportAt() {
        Instant last = null;
        for (Instant t : new Instant[] {lastStatusAt, lastPresenceAt, lastTelemetryAt}) {
            if (t != null && (last == null || t.isAfter(last))) {
                last = t;
            }
        }
        return last;
    }

    /** Whether placement may count on this cluster: it has reported at least once and is not offline beyond the grace. */
    public boolean eligibleForPlacement() {
        return lastReportAt() != null && !placementOffline;
    }
}
