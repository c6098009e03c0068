package io.flotilla.agent.reconcile;

import java.util.Locale;
import java.util.regex.Pattern;

/** The labels by which the agent recognises what it manages; nothing without them is ever pruned. */
public final class ManagedLabels {

    public static final String FIELD_MANAGER = "flotilla-agent";

    public static final String NAME = "app.kubernetes.io/name";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "flotilla-agent";
    public static final String CLUSTER = "flotilla.io/cluster";
    public static final String POLICY = "flotilla.io/policy";
    public static final String GENERATION = "flotilla.io/generation";
    public static final String WORKLOAD = "flotilla.io/workload";

    /** Pod Security Admission's namespace labels: refuse, warn about and audit pods below the level. */
    public static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
    public static final String POD_SECURITY_WARN = "pod-security.kubernetes.io/warn";
    public static final String POD_SECURITY_AUDIT = "pod-security.kubernetes.io/audit";

    public static final String MODEL_ANNOTATION = "flotilla.io/model";
    public static final String RUNTIME_ANNOTATION = "flotilla.io/runtime";

    private static final Pattern INVALID = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern EDGES = Pattern.compile("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$");

    private ManagedLabels() {
    }

    /** A Kubernetes label value for arbitrary text: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
    public static String labelValue(String text) {
        String value = INVALID.matcher(text).replaceAll("-");
        if (value.length() > 63) {
            value = value.substring(0, 63);
        }
        return EDGES.matcher(value).replaceAll("").toLowerCase(Locale.ROOT);
    }
}
