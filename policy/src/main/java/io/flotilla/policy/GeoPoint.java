package io.flotilla.policy;

/** A latitude and longitude in degrees (WGS 84). */
public record GeoPoint(double lat, double lon) {
    public GeoPoint {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("not a latitude/longitude: " + lat + "," + lon);
        }
    }
}
