package io.flotilla.policy;

/** A named metropolitan area: where clusters stand and clients are. */
public record Site(String name, String country, String subdivision, GeoPoint location) {
}
