package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyParserTest {

    private final PolicyParser parser = PolicyParser.standard();

    private static String policy(String name, String placement) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: %s }
                spec:
                  workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
                  placement: %s
                """.formatted(name, placement);
    }

    /** snakeyaml-engine's composer refuses such a tag with an IllegalArgumentException, which escaped the parser. */
    @Test
    void aTagEndingInAnEscapedSpaceIsALocatedSyntaxError() {
        var result = parser.parse("t.yaml", "apiVersion: !a%20 flotilla.io/v1alpha1\n");

        assertThat(result.policies()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).contains("tag").contains("white space");
        });
    }

    @Test
    void resolvesEveryDefault() {
        FleetPolicy p = parser.parse("p.yaml", policy("p", "{ jurisdictions: [EU], minClusters: 3 }")).policies().get(0);
        assertThat(p.spec().workload().runtime()).isEqualTo(Runtime.VLLM);
        assertThat(p.spec().workload().port()).isEqualTo(8000);
        assertThat(p.spec().workload().healthPath()).isEqualTo("/health");
        assertThat(p.spec().placement().replicasPerCluster()).isEqualTo(1);
        assertThat(p.spec().placement().maxClusters()).as("maxClusters defaults to minClusters").isEqualTo(3);
        assertThat(p.spec().routing().alias()).as("alias defaults to the policy name").isEqualTo("p");
        assertThat(p.spec().rollout()).isEqualTo(new Rollout(IntOrPercent.percent(25), IntOrPercent.count(0), true));
        assertThat(p.spec().placement().clusterSelector()).isEqualTo(ClusterSelector.everything());
    }

    @Test
    void modelCacheIsOptionalAndDefaultsItsMountPath() {
        assertThat(parser.parse("p.yaml", policy("p", "{ jurisdictions: [EU] }")).policies().get(0)
                .spec().workload().modelCache()).isEmpty();
        String cached = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: cached }
                spec:
                  workload:
                    model: m
                    image: i
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                    modelCache: { size: 100Gi, storageClass: local-path }
                  placement: { jurisdictions: [EU] }
                """;
        PolicySet set = parser.parse("cached.yaml", cached);
        assertThat(set.formatErrors()).isEmpty();
        assertThat(set.policies().get(0).spec().workload().modelCache()).hasValue(new ModelCache(
                MemoryQuantity.gibibytes(100), java.util.Optional.of("local-path"), "/root/.cache/huggingface"));
    }

    @Test
    void liveLoadRoutingFieldsAreOptionalAndRoundTripThroughTheCanonicalForm() {
        String text = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: loaded }
                spec:
                  workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
                  placement: { jurisdictions: [EU] }
                  routing: { loadWeight: 150, cacheWeight: 0, maxQueue: 8 }
                """;
        PolicySet set = parser.parse("loaded.yaml", text);
        assertThat(set.formatErrors()).isEmpty();
        Routing routing = set.policies().get(0).spec().routing();
        assertThat(routing).isEqualTo(new Routing("loaded", Optional.empty(), Optional.of(150.0), Optional.of(0.0), Optional.of(8)));
        String canonical = CanonicalPolicy.toYaml(set.policies().get(0));
        assertThat(canonical).contains("loadWeight: 150").contains("maxQueue: 8");
        assertThat(parser.parse("again.yaml", canonical).policies()).containsExactlyElementsOf(set.policies());

        Routing defaults = parser.parse("p.yaml", policy("p", "{ jurisdictions: [EU] }")).policies().get(0).spec().routing();
        assertThat(defaults.loadWeightOrDefault()).isEqualTo(Routing.DEFAULT_LOAD_WEIGHT);
        assertThat(defaults.cacheWeightOrDefault()).isEqualTo(Routing.DEFAULT_CACHE_WEIGHT);
        assertThat(defaults.maxQueueOrUnlimited()).isEqualTo(Integer.MAX_VALUE);
        assertThat(CanonicalPolicy.toYaml(parser.parse("p.yaml", policy("p", "{ jurisdictions: [EU] }")).policies().get(0)))
                .as("a policy without the fields keeps its canonical form").doesNotContain("loadWeight").doesNotContain("maxQueue");
    }

    @Test
    void modelCacheWithoutSizeOrWithABadClassIsRejectedWithItsPath() {
        PolicySet set = parser.parse("bad.yaml", """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: bad }
                spec:
                  workload:
                    model: m
                    image: i
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                    modelCache: { storageClass: Local_Path, mountPath: relative }
                  placement: { jurisdictions: [EU] }
                """);
        assertThat(set.errors()).extracting(PolicyError::format).anySatisfy(e -> assertThat(e)
                .contains("spec.workload.modelCache.size: required field is missing"));
        assertThat(set.errors()).extracting(PolicyError::format)
                .anySatisfy(e -> assertThat(e).contains("spec.workload.modelCache.storageClass"))
                .anySatisfy(e -> assertThat(e).contains("spec.workload.modelCache.mountPath"));
    }

    @Test
    void acceptsJsonWithTabsAndNoSpaceAfterColons() {
        String json = "{\"apiVersion\":\"flotilla.io/v1alpha1\",\"kind\":\"FleetPolicy\",\n\t\"metadata\":{\"name\":\"j\"},\n\t\"spec\":{"
                + "\"workload\":{\"model\":\"m\",\"image\":\"i\",\"resources\":{\"gpu\":1,\"cpu\":\"1\",\"memory\":\"1Gi\"}},"
                + "\"placement\":{\"jurisdictions\":[\"NO\",\"IN-MH\"]}}}";
        PolicySet set = parser.parse("p.json", json);
        assertThat(set.formatErrors()).isEmpty();
        assertThat(set.policies().get(0).spec().placement().jurisdictions()).containsExactly("NO", "IN-MH");
    }

    @Test
    void reportsErrorsOfEveryFileAndDocumentAtOnce() {
        PolicySet set = parser.parse(List.of(
                new PolicySource("a.yaml", policy("a", "{ jurisdictions: [EU] }") + "---\n"
                        + policy("c", "{ jurisdictions: [EU], minClusters: 2, maxClusters: 1 }")),
                new PolicySource("b.yaml", policy("b", "{ jurisdictions: [XX] }") + "---\n" + policy("a", "{ jurisdictions: [IN] }"))));
        assertThat(set.errors()).extracting(PolicyError::format).containsExactly(
                "a.yaml:13:66: spec.placement.maxClusters: must be >= minClusters (got 1 < 2)",
                "b.yaml:6:32: spec.placement.jurisdictions[0]: unknown jurisdiction 'XX' (expected a country code such as DE, "
                        + "a subdivision such as IN-MH, or a group: EEA, EU, FIVE_EYES, GCC)",
                "b.yaml:10:19: metadata.name: duplicate policy name 'a' (first defined at a.yaml:3:19)");
        assertThat(set.policies()).as("the valid ones are still there for tools").extracting(FleetPolicy::name).containsExactly("a");
    }

    @Test
    void aBillionLaughsFileIsRejectedBeforeAnythingIsExpanded() {
        var sb = new StringBuilder("apiVersion: flotilla.io/v1alpha1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 30; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        PolicySet set = parser.parse("laughs.yaml", sb.toString());
        assertThat(set.errors()).singleElement().extracting(PolicyError::format).asString()
                .startsWith("laughs.yaml:5:10: more than 20 YAML aliases in one file");
    }

    @Test
    void aFewAnchorsAndAliasesAreFine() {
        String text = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: anchors, labels: &labels { team: search } }
                spec:
                  workload: { model: m, image: i, nodeSelector: *labels, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
                  placement: { jurisdictions: [EU], clusterSelector: { matchLabels: *labels } }
                """;
        PolicySet set = parser.parse("anchors.yaml", text);
        assertThat(set.formatErrors()).isEmpty();
        assertThat(set.policies().get(0).spec().workload().nodeSelector()).containsEntry("team", "search");
    }

    @Test
    void rejectsFilesOverTheSizeLimitWithoutParsingThem() {
        var small = new PolicyParser(JurisdictionCatalog.builtIn(), Sites.builtIn(), new ParserLimits(100, 20, 32, 100_000, 100));
        PolicySet set = small.parse("big.yaml", policy("big", "{ jurisdictions: [EU] }"));
        assertThat(set.formatErrors()).startsWith("big.yaml:1:1: file is larger than the limit of 100 bytes (got ");
    }

    /**
     * Found by PolicyParserFuzzTest: twenty aliases of one list, each used as the values of a selector term, made the
     * parser read twenty times the list. With a list as long as the 1 MiB limit allows, that was 5 million values: 20
     * seconds and most of a 1 GiB heap, for a policy 20 times the size limit. This list is shorter, the mechanism the same.
     */
    @Test
    void refusesAFileWhoseAliasesExpandIntoMoreValuesThanTheLimit() {
        String list = "x-list: &big [" + String.join(", ", java.util.Collections.nCopies(10_000, "ok")) + "]";
        var terms = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            terms.append(i == 0 ? "" : ", ").append("{ key: k").append(i).append(", operator: In, values: *big }");
        }
        String text = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: bomb }
                LIST
                spec:
                  workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
                  placement: { jurisdictions: [EU], clusterSelector: { matchExpressions: [TERMS] } }
                """.replace("LIST", list).replace("TERMS", terms);
        PolicySet set = parser.parse("bomb.yaml", text);

        assertThat(set.policies()).isEmpty();
        assertThat(set.errors()).singleElement().extracting(PolicyError::format).asString()
                .startsWith("bomb.yaml:4:").endsWith(": more than 100000 values in one file, aliases counted each time they "
                        + "are used; a policy needs a few hundred");
    }

    /**
     * Found by PolicyParserFuzzTest: a jurisdiction list of 100,000 unknown codes took seconds and gigabytes of short-lived
     * allocations, a "did you mean" search among 250 codes for each, and answered 100,000 errors. Now it stops early.
     */
    @Test
    void stopsCheckingAFileAfterItsHundredthError() {
        String codes = String.join(", ", java.util.stream.IntStream.range(0, 100_000).mapToObj(i -> "x" + i).toList());
        PolicySet set = parser.parse("many.yaml", policy("many", "{ jurisdictions: [" + codes + "] }"));

        assertThat(set.errors()).hasSize(101);
        assertThat(set.errors().get(99).format()).startsWith("many.yaml:6:").contains(": spec.placement.jurisdictions[99]: "
                + "unknown jurisdiction 'x99'");
        assertThat(set.errors().get(100).format()).startsWith("many.yaml:6:")
                .endsWith(": more than 100 errors; the rest of the file is not checked");
    }

    /** Found by ApiFuzzTest: a text ending in {@code "\\u} made the YAML scanner throw NumberFormatException (a 500). */
    @Test
    void reportsAnEscapeCutOffByTheEndOfTheFile() {
        for (String escape : new String[] {"\\u", "\\x", "\\U"}) {
            PolicySet set = parser.parse("cut.yaml", "metadata:\n  name: \"abc" + escape);
            assertThat(set.formatErrors()).isEqualTo("cut.yaml:2:15: YAML syntax error: the file ends inside an escape sequence\n");
        }
    }

    @Test
    void readsOnlyPolicyFilesFromADirectoryAndNamesEachFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.yml"), policy("b", "{ jurisdictions: [US] }"));
        Files.writeString(dir.resolve("a.yaml"), policy("a", "{ jurisdictions: [UK] }"));
        Files.writeString(dir.resolve("README.md"), "not a policy");
        PolicySet set = parser.parse(dir);
        assertThat(set.errors()).extracting(PolicyError::format).containsExactly(
                dir.resolve("a.yaml") + ":6:32: spec.placement.jurisdictions[0]: unknown jurisdiction 'UK' (expected a country code "
                        + "such as DE, a subdivision such as IN-MH, or a group: EEA, EU, FIVE_EYES, GCC)");
        assertThat(set.policies()).extracting(FleetPolicy::name).containsExactly("b");
    }

    @Test
    void reportsAMissingFileAndAnEmptyDirectoryAsErrors(@TempDir Path dir) {
        assertThat(parser.parse(dir).formatErrors()).isEqualTo(dir + ":1:1: no policy files (*.yaml, *.yml, *.json) in this directory\n");
        assertThat(parser.parse(dir.resolve("nope.yaml")).formatErrors()).isEqualTo(dir.resolve("nope.yaml") + ":1:1: no such file\n");
    }

    @Test
    void aFileOrDirectoryWithoutAPolicyIsAnError(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        Path comments = Files.writeString(dir.resolve("comments.yml"), "# nothing yet\n---\n");
        assertThat(parser.parse(empty).formatErrors())
                .isEqualTo(empty + ":1:1: no policy in this file (it is empty, or holds only comments or '---')\n");
        assertThat(parser.parse(comments).formatErrors())
                .isEqualTo(comments + ":1:1: no policy in this file (it is empty, or holds only comments or '---')\n");
        assertThat(parser.parse(dir).formatErrors())
                .isEqualTo(dir + ":1:1: no policy in this directory (its policy files are empty, or hold only comments or '---')\n");

        Files.writeString(dir.resolve("real.yaml"), policy("a", "{ jurisdictions: [DE] }"));
        assertThat(parser.parse(dir).isValid()).isTrue();
        assertThat(parser.parse(dir).policies()).extracting(FleetPolicy::name).containsExactly("a");
    }

    @Test
    void emptyDocumentsAndCommentOnlyFilesHoldNoPolicies() {
        PolicySet set = parser.parse("empty.yaml", "# nothing yet\n---\n---\n");
        assertThat(set.isValid()).isTrue();
        assertThat(set.policies()).isEmpty();
    }
}
