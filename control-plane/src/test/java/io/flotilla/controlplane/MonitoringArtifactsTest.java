package io.flotilla.controlplane;

import static io.flotilla.controlplane.ApiFixtures.register;
import static io.flotilla.controlplane.ApiFixtures.report;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.controlplane.fleet.LatestTelemetry;
import io.flotilla.controlplane.telemetry.ClusterMetrics;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ read only metrics the control plane registers
 * (checked against a scrape of /q/metrics, so a renamed meter fails here rather than in an operator's empty panel),
 * and are well formed: every rule has its alert, expression, duration, severity, summary and runbook anchor, every
 * panel its data source and queries.
 */
@QuarkusTest
class MonitoringArtifactsTest {

    static final Path DASHBOARD = Path.of("../deploy/grafana/flotilla.json");
    static final Path RULES = Path.of("../deploy/prometheus/flotilla-rules.yaml");
    static final Path OPERATIONS = Path.of("../docs/operations.md");

    /** PromQL functions, aggregations, keywords and modifiers: identifiers of an expression that are no metric. */
    private static final Set<String> NOT_METRICS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

    @Inject
    LatestTelemetry latestTelemetry;

    @Inject
    ClusterMetrics clusterMetrics;

    @Inject
    Vertx vertx;

    @Test
    void dashboardAndRulesReadOnlyMetricsTheControlPlaneRegisters() throws IOException {
        // the per-cluster series exist once a cluster is known and has sent GPU telemetry
        register("monitoring-1", "DE");
        latestTelemetry.offer(report("monitoring-1", Instant.now().getEpochSecond(), 40), Instant.now());
        clusterMetrics.refresh();
        Set<String> scraped = given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : expressions().entrySet()) {
            for (String metric : metricNames(e.getValue())) {
                if (!scraped.contains(metric)) {
                    missing.add(metric + " (" + e.getKey() + ": " + e.getValue() + ")");
                }
            }
        }
        assertThat(missing).as("metrics used by the dashboard or the rules that /q/metrics does not serve").isEmpty();
    }

    @Test
    void everyRuleIsComplete() throws IOException {
        String operations = Files.readString(OPERATIONS);
        List<Map<String, Object>> rules = rules();
        assertThat(rules).isNotEmpty();
        for (Map<String, Object> rule : rules) {
            String alert = (String) rule.get("alert");
            assertThat(alert).as("a rule of %s without its alert name", RULES).isNotBlank();
            assertThat(rule).as("%s in %s", alert, RULES).containsKeys("expr", "for", "labels", "annotations");
            assertThat(String.valueOf(rule.get("for"))).as("%s: for", alert).matches(DURATION);
            assertThat(balanced((String) rule.get("expr"))).as("%s: parentheses of expr", alert).isTrue();
            assertThat(map(rule, "labels")).as("%s: labels", alert).containsKey("severity");
            Map<String, Object> annotations = map(rule, "annotations");
            assertThat(annotations).as("%s: annotations", alert).containsKeys("summary", "description", "runbook_url");
            String runbook = (String) annotations.get("runbook_url");
            assertThat(runbook).as("%s: runbook_url", alert).startsWith("docs/operations.md#");
            assertThat(operations).as("%s: the runbook's heading in %s", alert, OPERATIONS)
                    .containsPattern("(?m)^#+ " + heading(runbook.substring(runbook.indexOf('#') + 1)) + "$");
        }
    }

    @Test
    void everyPanelHasADataSourceAndQueries() throws IOException {
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : dashboard().get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel id %s is unique in %s", panel.get("id"), DASHBOARD).isTrue();
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            String title = panel.get("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as("%s: datasource", title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as("%s: targets", title).isNotEmpty();
            panel.get("targets").forEach(t -> assertThat(balanced(t.get("expr").asText())).as("%s: parentheses", title).isTrue());
        }
    }

    /** Tracing is off by default (docs/observability.md), and then no request of the router carries tracing work. */
    @Test
    void withTracingOffNoVertxTracerIsInstalled() {
        assertThat(((VertxInternal) vertx).tracer()).isNull();
    }

    /** Every PromQL expression, keyed by where it is: panel titles, template variables, alert names. */
    private static Map<String, String> expressions() throws IOException {
        Map<String, String> exprs = new LinkedHashMap<>();
        JsonNode dashboard = dashboard();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.put(DASHBOARD + " panel '" + panel.get("title").asText() + "' " + target.get("refId").asText(),
                        target.get("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            if (variable.get("type").asText().equals("query")) {
                exprs.put(DASHBOARD + " variable " + variable.get("name").asText(),
                        variable.get("definition").asText().replaceAll("^label_values\\((\\w+).*", "$1"));
            }
        }
        for (Map<String, Object> rule : rules()) {
            exprs.put(RULES + " alert " + rule.get("alert"), (String) rule.get("expr"));
        }
        return exprs;
    }

    /** The metric names an expression reads: what is left of its identifiers after functions, keywords and labels. */
    static Set<String> metricNames(String expr) {
        String rest = VARIABLE.matcher(expr).replaceAll(" ");
        rest = STRING.matcher(rest).replaceAll(" ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String word = m.group(1);
            if (m.group(2) == null && !NOT_METRICS.contains(word.toLowerCase()) && !DURATION.matcher(word).matches()) {
                names.add(word);
            }
        }
        return names;
    }

    private static boolean balanced(String expr) {
        int depth = 0;
        for (char c : STRING.matcher(expr).replaceAll("").toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** The heading whose GitHub anchor is {@code anchor}, as a pattern: dashes stand for spaces or dashes. */
    private static String heading(String anchor) {
        return "(?i)" + anchor.replace("-", "[ -]");
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(RULES));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            assertThat(group).as("a group of %s", RULES).containsKeys("name", "rules");
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }
}
