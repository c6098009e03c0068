package io.flotilla.simulator;

import java.util.Map;

/** A coarse, cloud-style region label for a site, from its country (and US state). */
final class Regions {

    private static final Map<String, String> BY_COUNTRY = Map.ofEntries(
            Map.entry("GB", "europe-west"), Map.entry("IE", "europe-west"), Map.entry("FR", "europe-west"),
            Map.entry("BE", "europe-west"), Map.entry("NL", "europe-west"), Map.entry("ES", "europe-west"),
            Map.entry("PT", "europe-west"),
            Map.entry("DE", "europe-central"), Map.entry("AT", "europe-central"), Map.entry("CH", "europe-central"),
            Map.entry("CZ", "europe-central"), Map.entry("PL", "europe-central"),
            Map.entry("SE", "europe-north"), Map.entry("NO", "europe-north"), Map.entry("FI", "europe-north"),
            Map.entry("DK", "europe-north"),
            Map.entry("IT", "europe-south"), Map.entry("GR", "europe-south"), Map.entry("RO", "europe-south"),
            Map.entry("TR", "middle-east"), Map.entry("IL", "middle-east"), Map.entry("AE", "middle-east"),
            Map.entry("SA", "middle-east"),
            Map.entry("EG", "africa"), Map.entry("NG", "africa"), Map.entry("KE", "africa"), Map.entry("ZA", "africa"),
            Map.entry("IN", "asia-south"), Map.entry("PK", "asia-south"), Map.entry("BD", "asia-south"),
            Map.entry("LK", "asia-south"),
            Map.entry("SG", "asia-southeast"), Map.entry("ID", "asia-southeast"),
            Map.entry("JP", "asia-east"), Map.entry("KR", "asia-east"), Map.entry("HK", "asia-east"),
            Map.entry("AU", "oceania"), Map.entry("NZ", "oceania"),
            Map.entry("CA", "canada"),
            Map.entry("MX", "latam"), Map.entry("BR", "latam"), Map.entry("AR", "latam"), Map.entry("CL", "latam"),
            Map.entry("CO", "latam"));

    private Regions() {
    }

    static String of(String country, String subdivision) {
        if ("US".equals(country)) {
            return switch (subdivision == null ? "" : subdivision) {
                case "US-CA", "US-WA", "US-OR", "US-NV", "US-AZ" -> "us-west";
                case "US-TX", "US-IL", "US-CO", "US-MN" -> "us-central";
                default -> "us-east";
            };
        }
        return BY_COUNTRY.getOrDefault(country, "other");
    }
}
