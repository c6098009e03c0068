package io.flotilla.controlplane.rollout;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A cluster's place in a rollout: its wave, whether that wave is released, and the generation that carried it. */
@Entity
@Table(name = "rollout_cluster")
public class RolloutCluster {

    @Embeddable
    public record Key(@Column(name = "rollout_id") Long rolloutId, @Column(name = "cluster_id") String clusterId) {
    }

    @EmbeddedId
    public Key key;

    public int wave;

    public boolean released;

    /** The desired generation that first carried the new revision; null until the wave is released. */
    @Column(name = "target_generation")
    public Long targetGeneration;
}
