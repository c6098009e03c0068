package io.flotilla.proto;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT topic scheme of wire protocol v1. Every topic is derived here; nothing else in
 * Flotilla concatenates topic strings.
 */
public final class Topics {

    public static final String ROOT = "flotilla/v1/clusters/";
    /** Shared-subscription group that control-plane replicas join so ingestion spreads across them. */
    public static final String SHARE_GROUP = "flotilla";

    /** A cluster id is a DNS-1123 label: it becomes a topic level and a Kubernetes label value. */
    private static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public enum Kind {
        DESIRED("desired"), STATUS("status"), TELEMETRY("telemetry"), PRESENCE("presence"),
        /** Live model-server load for the router: frequent, QoS 0, not retained. */
        LOAD("load");

        private final String level;

        Kind(String level) {
            this.level = level;
        }

        public String level() {
            return level;
        }
    }

    /** A topic split into the cluster it concerns and its kind. */
    public record Parsed(String clusterId, Kind kind) {
    }

    private Topics() {
    }

    public static boolean isValidClusterId(String clusterId) {
        return clusterId != null && CLUSTER_ID.matcher(clusterId).matches();
    }

    public static String requireValidClusterId(String clusterId) {
        if (!isValidClusterId(clusterId)) {
            throw new IllegalArgumentException("cluster id must be a DNS-1123 label "
                    + "(lower-case letters, digits and '-', at most 63 characters), got '" + clusterId + "'");
        }
        return clusterId;
    }

    public static String topic(String clusterId, Kind kind) {
        return ROOT + requireValidClusterId(clusterId) + "/" + kind.level();
    }

    public static String desired(String clusterId) {
        return topic(clusterId, Kind.DESIRED);
    }

    public static String status(String clusterId) {
        return topic(clusterId, Kind.STATUS);
    }

    public static String telemetry(String clusterId) {
        return topic(clusterId, Kind.TELEMETRY);
    }

    public static String load(String clusterId) {
        return topic(clusterId, Kind.LOAD);
    }

    public static String presence(String clusterId) {
        return topic(clusterId, Kind.PRESENCE);
    }

    /** Filter matching one kind of topic for every cluster, e.g. {@code flotilla/v1/clusters/+/status}. */
    public static String allClusters(Kind kind) {
        return ROOT + "+/" + kind.level();
    }

    /** The same filter as a shared subscription, for control-plane replicas. */
    public static String sharedAllClusters(Kind kind) {
        return "$share/" + SHARE_GROUP + "/" + allClusters(kind);
    }

    /** Parses a concrete topic; empty when it is not a v1 cluster topic. */
    public static Optional<Parsed> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT)) {
            return Optional.empty();
        }
        String rest = topic.substring(ROOT.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        String clusterId = rest.substring(0, slash);
        String level = rest.substring(slash + 1);
        if (!isValidClusterId(clusterId)) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind.level().equals(level)) {
                return Optional.of(new Parsed(clusterId, kind));
            }
        }
        return Optional.empty();
    }
}
