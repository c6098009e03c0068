package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes {@link PolicyParser}: whatever text arrives (a file, a REST body), the answer is policies or errors located
 * by file, line and column, never an exception, and no file, however small, makes the parser hold more than its
 * limits allow. Tries: {@code -Dflotilla.fuzz.tries=N} (docs/security.md, "Fuzzing").
 */
@AddLifecycleHook(FuzzTries.class)
class PolicyParserFuzzTest {

    private static final String FILE = "fuzz.yaml";
    private static final PolicyParser PARSER = PolicyParser.standard();
    /**
     * The seeds that mutations start from: the valid and broken policy files of the test corpus, and the valid ones
     * again as JSON.
     */
    private static final List<String> SEEDS = Stream.concat(
            Stream.concat(TestFiles.policyFiles("good").stream(), TestFiles.policyFiles("broken").stream()).map(TestFiles::read),
            TestFiles.policyFiles("good").stream().flatMap(p -> PARSER.parse(p).policies().stream()).map(CanonicalPolicy::toJson))
            .toList();

    /** YAML and JSON punctuation, schema words and troublesome scalars, for text that gets past the tokenizer. */
    private static final String[] TOKENS = {
            ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\n", "\n  ", "\n    ", "  ", "\t", "#", "'", "\"", "|", ">", "|-",
            "? ", "&a ", "*a", "&b ", "*b", "*undefined", "!!str ", "!!int ", "!!binary ", "!!set ", "!!omap ", "!custom ",
            "!<tag:yaml.org,2002:str> ", "---\n", "...\n", "%YAML 1.2\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "<<: ",
            "apiVersion", "flotilla.io/v1alpha1", "kind", "FleetPolicy", "metadata", "name", "spec", "workload", "model",
            "image", "resources", "gpu", "cpu", "memory", "placement", "jurisdictions", "EU", "IN-MH", "demand", "site",
            "lat", "lon", "rollout", "waveSize", "routing", "alias", "tolerations", "matchExpressions", "operator", "values",
            "env", "args", "nodeSelector", "modelCache", "size", "0", "-1", "1e999", "-0.0", ".nan", ".inf", "-.inf",
            "0x7fffffff", "0o777", "99999999999999999999999999999", "2147483648", "1Gi", "500m", "25%", "101%", "true",
            "false", "null", "~", "yes", "NO", "\"\\u0000\"", "'it''s'", "\u00e9", "\u4e2d", "\ud83d\ude00", "\u202e",
            "\u200b", "\ufeff", "\u0085", "\u2028", "\u0000", "\ud800", "\udfff", "\r\n", "\r", "\"\\u", "\"\\x4", "\\U", "\\"};

    // ---- arbitrary text ----

    @Property(tries = 1000)
    void arbitraryTextYieldsPoliciesOrLocatedErrors(@ForAll("arbitraryText") String text) {
        check(text);
    }

    @Property(tries = 1000)
    void tokenSoupYieldsPoliciesOrLocatedErrors(@ForAll("tokenSoup") String text) {
        check(text);
    }

    // ---- valid (and broken) policies, mutated ----

    @Property(tries = 1500)
    void mutatedPoliciesYieldPoliciesOrLocatedErrors(@ForAll("mutatedPolicies") String text) {
        check(text);
    }

    // ---- aliases, anchors and nesting: bounded whatever the file asks for ----

    @Property(tries = 60)
    void aliasBombsAreRefusedWithinBoundedMemory(@ForAll("aliasBombs") String text) {
        check(text);
    }

    @Property(tries = 200)
    void deepNestingIsRefusedWithoutExhaustingTheStack(@ForAll("deepNesting") String text) {
        check(text);
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> arbitraryText() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(400),
                Arbitraries.strings().withCharRange(' ', '~').withChars('\n', '\t').ofMaxLength(400));
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.randomValue(r -> {
            var sb = new StringBuilder();
            for (int n = r.nextInt(120); n > 0; n--) {
                sb.append(TOKENS[r.nextInt(TOKENS.length)]);
            }
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<String> mutatedPolicies() {
        return Arbitraries.randomValue(r -> {
            String text = SEEDS.get(r.nextInt(SEEDS.size()));
            for (int n = 1 + r.nextInt(r.nextInt(4) == 0 ? 12 : 3); n > 0; n--) {
                text = mutate(text, r);
            }
            return text;
        });
    }

    @Provide
    Arbitrary<String> aliasBombs() {
        return Arbitraries.randomValue(PolicyParserFuzzTest::aliasBomb);
    }

    @Provide
    Arbitrary<String> deepNesting() {
        return Arbitraries.randomValue(r -> {
            int depth = 1 + r.nextInt(r.nextBoolean() ? 64 : 20_000);
            String open = switch (r.nextInt(3)) {
                case 0 -> "[";
                case 1 -> "{a: ";
                default -> "- ";
            };
            String close = switch (open) {
                case "[" -> "]";
                case "{a: " -> "}";
                default -> "";
            };
            String nested = (open.equals("- ") ? nestedBlockList(depth) : open.repeat(depth) + "x" + close.repeat(depth));
            String seed = SEEDS.get(r.nextInt(SEEDS.size()));
            return r.nextBoolean() ? nested : seed.replaceFirst("\\[", Matcher.quoteReplacement(nested + ", ["));
        });
    }

    private static String nestedBlockList(int depth) {
        var sb = new StringBuilder();
        int levels = Math.min(depth, 300);
        for (int i = 0; i < levels; i++) {
            sb.append(" ".repeat(i * 2)).append("-\n");
        }
        return sb.append(" ".repeat(levels * 2)).append("x\n").toString();
    }

    /**
     * A policy whose fields refer, through aliases, to large anchored values: a "billion laughs" that nests lists of
     * aliases level by level, or a wide bomb that uses one long list many times, up to the alias limit and beyond.
     */
    private static String aliasBomb(Random r) {
        boolean wide = r.nextBoolean();
        int aliases = 2 + r.nextInt(20); // per level: the limit is 20 in all
        int levels = wide ? 1 : 2 + r.nextInt(9);
        String leaf = switch (r.nextInt(4)) {
            case 0 -> "lol";
            case 1 -> "DE";
            case 2 -> "{ key: k, operator: Exists }";
            default -> "{ site: mumbai }";
        };
        // long lists are slow to parse at all: most are short, some as long as the file limit allows
        int leafItems = !wide || r.nextInt(3) != 0 ? 1 + r.nextInt(20)
                : r.nextInt(ParserLimits.DEFAULT.maxFileBytes() / (leaf.length() + 2) - 100);
        var anchors = new StringBuilder();
        anchors.append("x-l0: &l0 [").append(String.join(", ", Collections.nCopies(leafItems, leaf))).append("]\n");
        for (int level = 1; level < levels; level++) {
            anchors.append("x-l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(aliases, "*l" + (level - 1)))).append("]\n");
        }
        String top = "*l" + (levels - 1);
        String many = "[" + String.join(", ", Collections.nCopies(aliases, top)) + "]";
        // where the schema nests lists in lists, every alias is read again: selector terms with their values
        String terms = "[" + String.join(", ", Collections.nCopies(aliases, "{ key: k, operator: In, values: " + top + " }")) + "]";
        String args = "[a]";
        String tolerations = "[]";
        String jurisdictions = "[EU]";
        String demand = "[]";
        String expressions = "[]";
        String unknown = "";
        switch (r.nextInt(7)) {
            case 0 -> args = r.nextBoolean() ? top : many;
            case 1 -> tolerations = r.nextBoolean() ? top : many;
            case 2 -> jurisdictions = r.nextBoolean() ? top : many;
            case 3 -> demand = r.nextBoolean() ? top : many;
            case 4 -> unknown = "unknownField: " + many;
            default -> expressions = terms;
        }
        String policy = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: bomb }
                ANCHORS
                spec:
                  workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi }, args: ARGS, tolerations: TOLERATIONS }
                  placement: { jurisdictions: JURISDICTIONS, demand: DEMAND, clusterSelector: { matchExpressions: EXPRESSIONS } }
                  UNKNOWN
                """;
        // the anchors sit in the policy (unknown fields, read no further), or in a document of their own, whose
        // anchors the next document cannot see
        boolean ownDocument = r.nextInt(4) == 0;
        return (ownDocument ? anchors + "---\n" : "") + policy.replace("ANCHORS\n", ownDocument ? "" : anchors.toString())
                .replace("ARGS", args).replace("TOLERATIONS", tolerations).replace("JURISDICTIONS", jurisdictions)
                .replace("DEMAND", demand).replace("EXPRESSIONS", expressions).replace("UNKNOWN", unknown);
    }

    /** One mutation, as a fuzzer makes them on text: bytes, lines, indentation, tokens, scalars, anchors, nesting. */
    static String mutate(String text, Random r) {
        if (text.isEmpty()) {
            return TOKENS[r.nextInt(TOKENS.length)];
        }
        int at = r.nextInt(text.length());
        List<String> lines = text.lines().toList();
        int line = r.nextInt(lines.size());
        return switch (r.nextInt(12)) {
            case 0 -> flipUtf8Byte(text, r);
            case 1 -> text.substring(0, at);
            case 2 -> withLines(lines, line, List.of()); // delete a line
            case 3 -> withLines(lines, line, List.of(lines.get(line), lines.get(line))); // duplicate: repeated keys
            case 4 -> withLines(lines, line, List.of(" ".repeat(r.nextInt(5)) + (r.nextInt(4) == 0 ? "\t" : "")
                    + lines.get(line).stripLeading())); // indentation
            case 5 -> text.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)] + text.substring(at);
            case 6 -> text.replaceFirst(":( +)[^\\n\\[{]+", Matcher.quoteReplacement(": " + scalar(r)));
            case 7 -> text.substring(0, at) + " &x " + text.substring(at, at + r.nextInt(text.length() - at + 1)) + " *x "
                    + text.substring(at);
            case 8 -> text.substring(0, at) + "[".repeat(r.nextInt(300)) + text.substring(at);
            case 9 -> text.substring(0, at) + (char) r.nextInt(0x10000) + text.substring(at);
            case 10 -> text.replace(" ", r.nextBoolean() ? "\t" : "  ");
            default -> text.substring(0, at) + "x".repeat(r.nextInt(r.nextBoolean() ? 100 : 70_000)) + text.substring(at);
        };
    }

    private static String scalar(Random r) {
        String[] scalars = {"0", "-1", "1e999", "-1e999", ".nan", "99999999999999999999999999", "2147483648", "-2147483649",
                "0x10", "0o10", "1_000", "1Gi", "1Ei", "9223372036854775807Ei", "999999999999999999999m", "0.0000001", "1e-400",
                "100%", "-5%", "2147483648%", "true", "null", "~", "''", "\"\"", "[]", "{}", "[[]]", "!!binary AAAA", "!x y",
                "\"\\ud800\"", "\u0000", "\ud800", "\u202e", "\ufeff", "x".repeat(300), "-", "- x", "? x"};
        return scalars[r.nextInt(scalars.length)];
    }

    private static String flipUtf8Byte(String text, Random r) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
        // what a server does with a body that is not UTF-8: replaces the bad bytes
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withLines(List<String> lines, int at, List<String> replacement) {
        var out = new ArrayList<>(lines.subList(0, at));
        out.addAll(replacement);
        out.addAll(lines.subList(at + 1, lines.size()));
        return String.join("\n", out) + "\n";
    }

    // ---- the outcome ----

    /**
     * Parses {@code text} and checks the answer: each error located in this file, at a line and column that exist;
     * each valid policy written back canonically parses into an equal policy (stored revisions are read that way);
     * and the parse allocated no more than a bounded multiple of the file's size.
     */
    private static void check(String text) {
        long before = allocatedBytes();
        PolicySet set = PARSER.parse(FILE, text);
        long allocated = allocatedBytes() - before;

        // YAML breaks lines at \r and at NEL, LS and PS too
        int lines = (int) text.chars().filter(c -> c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029')
                .count() + 2;
        for (PolicyError e : set.errors()) {
            assertThat(e.file()).isEqualTo(FILE);
            assertThat(e.line()).as(e.format()).isBetween(1, lines);
            assertThat(e.column()).as(e.format()).isPositive();
            assertThat(e.message()).as(e.format()).isNotBlank();
        }
        if (set.isValid()) {
            for (FleetPolicy p : set.policies()) {
                String canonical = CanonicalPolicy.toYaml(p);
                PolicySet again = PARSER.parse("canonical.yaml", canonical);
                assertThat(again.formatErrors()).as("canonical form of a valid policy:%n%s", canonical).isEmpty();
                assertThat(again.policies()).containsExactly(p);
            }
        }
        assertThat(allocated).as("bytes allocated parsing %d characters", text.length())
                .isLessThan(256L * 1024 * 1024 + 400L * text.length());
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
