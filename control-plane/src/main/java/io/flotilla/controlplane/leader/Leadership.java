package io.flotilla.controlplane.leader;

/**
 * Whether this replica is the one that places, dispatches and drives rollouts. Every replica serves the API
 * and ingests what agents send; only the leader runs the fleet-wide timers.
 */
public interface Leadership {

    boolean isLeader();
}
