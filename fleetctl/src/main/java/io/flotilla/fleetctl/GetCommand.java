package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code fleetctl get clusters|cluster ID|policies|policy NAME|enrollments}. */
@Command(name = "get", description = "Show clusters, policies or enrollments.",
        subcommands = {GetCommand.Clusters.class, GetCommand.Policies.class, GetCommand.Enrollments.class})
final class GetCommand extends BaseCommand implements Runnable {

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing resource: clusters, cluster ID, policies, policy NAME or enrollments");
    }

    @Command(name = "clusters", aliases = "cluster",
            description = "List the fleet's clusters, or show one: ID, jurisdiction, presence, generations, last report "
                    + "(the newest of status, presence and telemetry), workloads.")
    static final class Clusters extends BaseCommand implements Callable<Integer> {

        /** Clusters asked for per request: the server pages its listing, this many at a time. */
        static final int PAGE_SIZE = 500;

        @Parameters(arity = "0..1", paramLabel = "ID", description = "One cluster's id.")
        String id;

        @Option(names = "--jurisdiction", paramLabel = "CODE", description = "Only clusters in this jurisdiction (e.g. DE, IN-MH).")
        String jurisdiction;

        @Option(names = "--health", paramLabel = "HEALTH", description = "Only clusters in this health: READY, DEGRADED, OFFLINE or UNKNOWN.")
        String health;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Only clusters with this label (repeatable: all must match).")
        List<String> labels = new ArrayList<>();

        @Override
        public Integer call() {
            try (ApiClient client = client()) {
                if (id == null) {
                    JsonNode clusters = client.getAllPages("/api/v1/clusters" + filterQuery(), PAGE_SIZE);
                    if (!printStructured(clusters)) {
                        listClusters(clusters);
                    }
                } else {
                    JsonNode cluster = client.get("/api/v1/clusters/" + ApiClient.encode(id));
                    if (!printStructured(cluster)) {
                        describeCluster(cluster);
                    }
                }
            }
            return ExitCodes.OK;
        }

        private String filterQuery() {
            var query = new ArrayList<String>();
            if (jurisdiction != null) {
                query.add("jurisdiction=" + ApiClient.encode(jurisdiction));
            }
            if (health != null) {
                query.add("health=" + ApiClient.encode(health));
            }
            labels.forEach(l -> query.add("label=" + ApiClient.encode(l)));
            return query.isEmpty() ? "" : "?" + String.join("&", query);
        }

        private void listClusters(JsonNode clusters) {
            if (clusters.isEmpty()) {
                out().println("No clusters.");
                out().flush();
                return;
            }
            Instant now = root().environment().clock().instant();
            var table = new Table("ID", "JURISDICTION", "ONLINE", "GEN", "LAST REPORT", "WORKLOADS");
            for (JsonNode c : clusters) {
                var workloads = new ArrayList<String>();
                c.path("workloads").forEach(w -> workloads.add(Json.cell(w, "name") + ready(w.path("status"))));
                table.row(Json.cell(c, "id"), Json.cell(c, "jurisdiction"), online(c), generation(c), lastReport(c, now),
                        workloads.isEmpty() ? "-" : String.join(",", workloads));
            }
            out().print(table.render());
            out().flush();
        }

        private void describeCluster(JsonNode c) {
            var out = out();
            out.println("Cluster:       " + Json.cell(c, "id"));
            out.println("Jurisdiction:  " + Json.cell(c, "jurisdiction"));
            out.println("Location:      " + (c.path("latitude").isNumber() && c.path("longitude").isNumber()
                    ? Json.number(c.path("latitude")) + "," + Json.number(c.path("longitude")) : "-"));
            out.println("Online:        " + online(c));
            out.println("Generation:    " + generation(c) + " (applied/desired)");
            String age = lastReport(c, root().environment().clock().instant());
            out.println("Last report:   " + (Json.text(c, "lastReportAt") == null ? age : Json.cell(c, "lastReportAt") + " (" + age + ")"));
            var labels = new ArrayList<String>();
            for (Map.Entry<String, JsonNode> e : c.path("labels").properties()) {
                labels.add(e.getKey() + "=" + e.getValue().asText());
            }
            out.println("Labels:        " + (labels.isEmpty() ? "-" : String.join(",", labels)));
            if (c.path("workloads").isEmpty()) {
                out.println("Workloads:     none");
            } else {
                out.println("Workloads:");
                var table = new Table("NAME", "DESIRED", "CONDITION", "READY", "ENDPOINT");
                for (JsonNode w : c.path("workloads")) {
                    JsonNode status = w.path("status");
                    table.row(Json.cell(w, "name"), w.path("desired").isObject() ? "yes" : "no (removing)",
                            status.isObject() ? Json.cell(status, "condition") : "-",
                            status.isObject() ? Json.number(status.path("readyReplicas")) + "/" + Json.number(status.path("desiredReplicas")) : "-",
                            status.isObject() ? Json.cell(status, "endpoint") : "-");
                }
                table.render().lines().forEach(l -> out.println("  " + l));
            }
            out.flush();
        }

        /**
         * The age of the cluster's last sign of life (the newest of its status, presence and telemetry): "9s ago";
         * "never" before its first report; "-" from a server that does not say.
         */
        private static String lastReport(JsonNode c, Instant now) {
            JsonNode at = c.get("lastReportAt");
            if (at == null) {
                return "-";
            }
            if (at.isNull()) {
                return "never";
            }
            try {
                return Durations.ago(Instant.parse(at.asText()), now);
            } catch (DateTimeParseException e) {
                return Json.cell(c, "lastReportAt");
            }
        }

        private static String ready(JsonNode status) {
            return status.isObject() ? "(" + Json.number(status.path("readyReplicas")) + "/" + Json.number(status.path("desiredReplicas")) + ")" : "";
        }

        private static String online(JsonNode c) {
            String online = c.path("online").asBoolean(false) ? "yes" : "no";
            return c.path("paused").asBoolean(false) ? online + " (paused)" : online;
        }

        private static String generation(JsonNode c) {
            String gen = Json.number(c.path("appliedGeneration")) + "/" + Json.number(c.path("desiredGeneration"));
            return c.path("converged").asBoolean(true) ? gen : gen + "*";
        }
    }

    @Command(name = "policies", aliases = "policy",
            description = "List the stored policies, or print one policy's current revision as YAML.")
    static final class Policies extends BaseCommand implements Callable<Integer> {

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "One policy's name.")
        String name;

        @Override
        public Integer call() {
            try (ApiClient client = client()) {
                if (name == null) {
                    JsonNode policies = client.get(PolicyApply.POLICIES);
                    if (!printStructured(policies)) {
                        listPolicies(policies);
                    }
                } else {
                    JsonNode policy = client.get(PolicyApply.POLICIES + "/" + ApiClient.encode(name));
                    if (!printStructured(policy)) {
                        String yaml = Json.text(policy, "yaml");
                        out().println("# " + Json.cell(policy, "name") + " revision " + Json.cell(policy, "revision")
                                + ", updated " + Json.cell(policy, "updatedAt"));
                        out().print(yaml == null ? "" : yaml.endsWith("\n") ? yaml : yaml + "\n");
                        out().flush();
                    }
                }
            }
            return ExitCodes.OK;
        }

        private void listPolicies(JsonNode policies) {
            if (policies.isEmpty()) {
                out().println("No policies.");
                out().flush();
                return;
            }
            var table = new Table("NAME", "REV", "ALIAS", "MODEL", "JURISDICTIONS", "CLUSTERS");
            for (JsonNode p : policies) {
                List<String> jurisdictions = Json.texts(p.path("jurisdictions"));
                table.row(Json.cell(p, "name"), Json.cell(p, "revision"), Json.cell(p, "alias"), Json.cell(p, "model"),
                        jurisdictions.isEmpty() ? "-" : String.join(",", jurisdictions), clusters(p));
            }
            out().print(table.render());
            out().flush();
        }

        /** chosenClusters as a count or a list; "(unsatisfied)" when placement could not meet the policy. */
        private static String clusters(JsonNode p) {
            JsonNode chosen = p.path("chosenClusters");
            String text = chosen.isArray() ? String.valueOf(chosen.size()) : Json.number(chosen);
            return p.path("satisfied").asBoolean(true) ? text : text + " (unsatisfied)";
        }
    }

    @Command(name = "enrollments", aliases = "enrollment",
            description = "List the cluster enrollments, revoked ones included, with their agent's state (needs an admin token).")
    static final class Enrollments extends BaseCommand implements Callable<Integer> {

        @Override
        public Integer call() {
            JsonNode enrollments;
            try (ApiClient client = client()) {
                enrollments = client.get(EnrollCommand.PATH);
            }
            if (printStructured(enrollments)) {
                return ExitCodes.OK;
            }
            if (enrollments.isEmpty()) {
                out().println("No enrollments.");
            } else {
                var table = new Table("CLUSTER", "STATE", "ENROLLED", "AGENT KEY", "CONNECTED", "ID");
                for (JsonNode e : enrollments) {
                    table.row(Json.cell(e, "clusterId"), Json.cell(e, "state"), Json.cell(e, "enrolledAt"),
                            Json.cell(e, "agentKeyId"), e.path("agentConnected").asBoolean(false) ? "yes" : "no", Json.cell(e, "id"));
                }
                out().print(table.render());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }
}
