package io.flotilla.policy;

import java.util.List;
import java.util.Map;

/** Kubernetes label-selector semantics over cluster labels; an empty selector matches every cluster. */
public record ClusterSelector(Map<String, String> matchLabels, List<LabelRequirement> matchExpressions) {

    public ClusterSelector {
        matchLabels = Collections2.sortedCopy(matchLabels);
        matchExpressions = Collections2.listCopy(matchExpressions);
    }

    public static ClusterSelector everything() {
        return new ClusterSelector(null, null);
    }

    public boolean matches(Map<String, String> labels) {
        for (var e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelRequirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The first unmet term in words, or null when the labels match. */
    public String mismatch(Map<String, String> labels) {
        for (var e : matchLabels.entrySet()) {
            String actual = labels.get(e.getKey());
            if (!e.getValue().equals(actual)) {
                return "label " + e.getKey() + "=" + e.getValue() + " required, cluster has "
                        + (actual == null ? "no " + e.getKey() + " label" : e.getKey() + "=" + actual);
            }
        }
        for (LabelRequirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return "label requirement '" + r + "' not met";
            }
        }
        return null;
    }
}
