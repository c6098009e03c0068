package io.flotilla.policy;

import java.util.regex.Pattern;

/**
 * Rules beyond what each field's shape says (several fields together, the fleet's image policy) and warnings,
 * run on each record as soon as its fields have been read, so that errors in one section do not hide those
 * in another.
 */
final class PolicyChecks {

    /** Names that usually hold a credential: *_TOKEN, *_KEY, *PASSWORD*, *SECRET*. */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(_TOKEN|_KEY)|.*(PASSWORD|SECRET).*");

    private final NodeReader reader;

    PolicyChecks(NodeReader reader) {
        this.reader = reader;
    }

    /** Reports every broken rule of {@code record} (found at {@code path}); true when there is none. */
    boolean check(Record record, String path) {
        return switch (record) {
            case Placement p -> placement(p, path);
            case Resources r -> resources(r, path);
            case LabelRequirement r -> requirement(r, path);
            case Toleration t -> toleration(t, path);
            case DemandPoint d -> demand(d, path);
            case Rollout r -> rollout(r, path);
            case EnvVar e -> envVar(e, path);
            case Workload w -> workload(w, path);
            default -> true;
        };
    }

    private boolean fail(String path, String message) {
        reader.error(path, message);
        return false;
    }

    private boolean envVar(EnvVar e, String path) {
        if (e.value().isPresent() && e.secretKeyRef().isPresent()) {
            return fail(path + ".secretKeyRef", "give either value or secretKeyRef, not both");
        }
        if (e.value().isEmpty() && e.secretKeyRef().isEmpty()) {
            return fail(path, "needs value or secretKeyRef");
        }
        e.value().ifPresent(v -> plainValue(e.name(), path + ".value"));
        return true;
    }

    /**
     * Warns when a plain value ({@code valuePath}) probably is a credential: it would be stored in the control
     * plane's database, shown by its API and sent to every chosen cluster. The value itself is never repeated.
     */
    void plainValue(String name, String valuePath) {
        if (CREDENTIAL_NAME.matcher(name).matches()) {
            reader.warning(valuePath, "'" + name + "' looks like a credential, and a plain value is stored by the control plane "
                    + "and sent to every chosen cluster; create a Secret in the workload's namespace on the edge clusters and "
                    + "reference it instead: {name: " + name + ", secretKeyRef: {name: <secret>, key: <key>}}");
        }
    }

    private boolean workload(Workload w, String path) {
        boolean ok = true;
        for (String problem : reader.imagePolicy().problems(w.image())) {
            ok = fail(path + ".image", problem);
        }
        return ok;
    }

    private boolean placement(Placement p, String path) {
        if (p.maxClusters() < p.minClusters()) {
            return fail(path + ".maxClusters", "must be >= minClusters (got " + p.maxClusters() + " < " + p.minClusters() + ")");
        }
        return true;
    }

    private boolean resources(Resources r, String path) {
        boolean ok = true;
        if (r.gpu() == 0 && r.gpuMemoryGiB() > 0) {
            ok = fail(path + ".gpuMemoryGiB", "needs gpu >= 1 (got gpu 0)");
        }
        if (r.gpu() == 0 && r.gpuModel().isPresent()) {
            ok = fail(path + ".gpuModel", "needs gpu >= 1 (got gpu 0)");
        }
        return ok;
    }

    private boolean requirement(LabelRequirement r, String path) {
        return switch (r.operator()) {
            case IN, NOT_IN -> r.values().isEmpty()
                    ? fail(path + ".values", "operator " + r.operator().yamlName() + " needs at least one value")
                    : true;
            case EXISTS, DOES_NOT_EXIST -> r.values().isEmpty()
                    ? true
                    : fail(path + ".values", "operator " + r.operator().yamlName() + " takes no values (got " + r.values().size() + ")");
        };
    }

    private boolean toleration(Toleration t, String path) {
        if (t.operator() == TolerationOperator.EXISTS && t.value().isPresent()) {
            return fail(path + ".value", "operator Exists takes no value (got '" + t.value().get() + "')");
        }
        if (t.operator() == TolerationOperator.EQUAL && t.key().isEmpty()) {
            return fail(path + ".key", "required unless operator is Exists");
        }
        return true;
    }

    private boolean demand(DemandPoint d, String path) {
        boolean coordinates = d.lat().isPresent() || d.lon().isPresent();
        if (d.site().isPresent() && coordinates) {
            return fail(path + ".site", "give either site or lat and lon, not both");
        }
        if (d.site().isEmpty() && !coordinates) {
            return fail(path, "needs site, or lat and lon");
        }
        if (d.site().isEmpty() && d.lat().isEmpty()) {
            return fail(path + ".lat", "required with lon");
        }
        if (d.site().isEmpty() && d.lon().isEmpty()) {
            return fail(path + ".lon", "required with lat");
        }
        return true;
    }

    private boolean rollout(Rollout r, String path) {
        boolean ok = true;
        IntOrPercent wave = r.waveSize();
        if (wave.value() == 0) {
            ok = fail(path + ".waveSize", "must be at least 1 or 1% (got " + wave + ")");
        } else if (wave.percent() && wave.value() > 100) {
            ok = fail(path + ".waveSize", "must be at most 100% (got " + wave + ")");
        }
        if (r.maxUnavailable().percent() && r.maxUnavailable().value() > 100) {
            ok = fail(path + ".maxUnavailable", "must be at most 100% (got " + r.maxUnavailable() + ")");
        }
        return ok;
    }
}
