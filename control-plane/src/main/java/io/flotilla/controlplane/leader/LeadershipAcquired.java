package io.flotilla.controlplane.leader;

/** Fired when this replica becomes the leader: work left by the previous leader is picked up at once. */
public record LeadershipAcquired() {
}
