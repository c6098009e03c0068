package io.flotilla.placement;

import io.flotilla.policy.GeoPoint;

/**
 * Round-trip estimates where no measurement exists, and the load penalty. The constants are explained in
 * placement/DESIGN.md.
 */
public final class NetworkLatency {
    private NetworkLatency() {
    }

    /** Mean Earth radius. */
    public static final double EARTH_RADIUS_KM = 6371.0088;
    /** Light in fibre covers about 200 km per millisecond, one way. */
    public static final double FIBRE_KM_PER_MS = 200.0;
    /** Cables do not follow great circles; real paths are about half as long again. */
    public static final double ROUTE_FACTOR = 1.5;
    /** Access network and router hops that every request pays, even to a cluster next door. */
    public static final double FIXED_OVERHEAD_MS = 2.0;
    /** Each request already waiting in the cluster's inference queue. */
    public static final double QUEUE_MS_PER_REQUEST = 10.0;
    /** GPU utilisation above which a cluster starts to be penalised... */
    public static final double UTILISATION_KNEE = 0.8;
    /** ...up to this many milliseconds at 100 %. */
    public static final double UTILISATION_PENALTY_MS = 100.0;
    /** A DEGRADED cluster still serves, but after every healthy one that is not much farther. */
    public static final double DEGRADED_PENALTY_MS = 50.0;

    public static double greatCircleKm(GeoPoint a, GeoPoint b) {
        double[] u = unit(a);
        double[] v = unit(b);
        return kmBetweenUnitVectors(u[0], u[1], u[2], v[0], v[1], v[2]);
    }

    public static double kmBetweenUnitVectors(double ax, double ay, double az, double bx, double by, double bz) {
        // atan2 of cross and dot stays accurate for nearby points, where acos of the dot loses precision
        double cx = ay * bz - az * by;
        double cy = az * bx - ax * bz;
        double cz = ax * by - ay * bx;
        double cross = Math.sqrt(cx * cx + cy * cy + cz * cz);
        double dot = ax * bx + ay * by + az * bz;
        return EARTH_RADIUS_KM * Math.atan2(cross, dot);
    }

    /** Estimated round trip over {@code km} of great-circle distance. */
    public static double estimatedRttMs(double km) {
        return 2 * km * ROUTE_FACTOR / FIBRE_KM_PER_MS + FIXED_OVERHEAD_MS;
    }

    public static double estimatedRttMs(GeoPoint a, GeoPoint b) {
        return estimatedRttMs(greatCircleKm(a, b));
    }

    /** Extra milliseconds a request should expect at this cluster because of its load and health. */
    public static double loadPenaltyMs(Load load, Health health) {
        double util = Math.max(0, load.gpuUtilisation() - UTILISATION_KNEE) / (1 - UTILISATION_KNEE);
        return load.queueDepth() * QUEUE_MS_PER_REQUEST + util * UTILISATION_PENALTY_MS
                + (health == Health.DEGRADED ? DEGRADED_PENALTY_MS : 0);
    }

    public static double[] unit(GeoPoint p) {
        return unit(p, new double[3]);
    }

    /** Writes the unit vector of {@code p} into {@code out} and returns it. */
    public static double[] unit(GeoPoint p, double[] out) {
        double lat = Math.toRadians(p.lat());
        double lon = Math.toRadians(p.lon());
        double cosLat = Math.cos(lat);
        out[0] = cosLat * Math.cos(lon);
        out[1] = cosLat * Math.sin(lon);
        out[2] = Math.sin(lat);
        return out;
    }
}
