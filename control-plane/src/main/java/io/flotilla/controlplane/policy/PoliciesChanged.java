package io.flotilla.controlplane.policy;

/** Fired inside a transaction that changed policies or placements; routing rebuilds after it commits. */
public record PoliciesChanged() {
}
