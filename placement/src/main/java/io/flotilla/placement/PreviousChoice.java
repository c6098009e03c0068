package io.flotilla.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A previous decision's clusters by snapshot index (first assignment per cluster, as {@link PlacementDecision#assignment}). */
record PreviousChoice(int[] at, Reservation[] reservations) {

    static final PreviousChoice NONE = new PreviousChoice(new int[0], new Reservation[0]);

    static PreviousChoice of(Optional<PlacementDecision> previous, SnapshotIndex index) {
        if (previous.isEmpty() || previous.get().chosen().isEmpty()) {
            return NONE;
        }
        var at = new ArrayList<Integer>();
        var res = new ArrayList<Reservation>();
        List<ClusterAssignment> chosen = previous.get().chosen();
        for (ClusterAssignment a : chosen) {
            int i = index.indexOrMinusOne(a.clusterId());
            if (i >= 0 && !at.contains(i)) {
                at.add(i);
                res.add(a.reservation());
            }
        }
        return new PreviousChoice(at.stream().mapToInt(Integer::intValue).toArray(), res.toArray(Reservation[]::new));
    }

    Reservation credit(int c) {
        for (int k = 0; k < at.length; k++) {
            if (at[k] == c) {
                return reservations[k];
            }
        }
        return Reservation.NONE;
    }

    boolean has(int c) {
        for (int x : at) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }
}
