package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.flotilla.controlplane.api.JsonFuzz;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes what the inference router parses from a request: the body ({@link InferenceRequestBody}), the
 * X-Flotilla-Client-Location header ({@link ClientLocation#parse}), the X-Flotilla-Jurisdiction header (through
 * {@link JurisdictionCatalog}) and the client address ({@link ClientNetworks#locate}). Each answers a value or its
 * documented rejection, never an exception. Tries: {@code -Dflotilla.fuzz.tries=N} (docs/security.md, "Fuzzing").
 */
@AddLifecycleHook(FuzzTries.class)
class RouterInputFuzzTest {

    /** OpenAI-shaped request bodies, the valid starting points of mutation. */
    private static final List<String> REQUESTS = List.of("""
            {"model":"chat","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "stream":true,"temperature":0.2,"max_tokens":64,"stop":["\\n"],"user":"u-1"}""", """
            {"model":"chat","prompt":"Once upon a time","n":2,"logprobs":null,"stream":false}""", """
            {"model":"embed","input":["one","two"],"encoding_format":"float"}""", """
            {"messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"model":"chat",
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]}""");

    private static final ObjectReader ONE_JSON_VALUE = new ObjectMapper().readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JurisdictionCatalog JURISDICTIONS = JurisdictionCatalog.builtIn();
    private static final Sites SITES = Sites.builtIn();
    private static final ClientNetworks NETWORKS = ClientNetworks.parse(
            List.of("10.0.0.0/8=frankfurt", "10.20.0.0/16=19.08,72.88", "2001:db8::/32=mumbai", "0.0.0.0/0=0,0"), SITES);

    // ---- the body ----

    @Property(tries = 1000)
    void arbitraryBytesAreReadOrRefusedWithADocumentedCode(@ForAll @Size(max = 2048) byte[] body) {
        checkBody(body);
    }

    @Property(tries = 1500)
    void jsonBodiesAreReadOrRefusedWithADocumentedCode(@ForAll("bodies") byte[] body) {
        checkBody(body);
    }

    // ---- headers and the client address ----

    @Property(tries = 1000)
    void clientLocationsParseIntoAPointInRangeOrAProblem(@ForAll("locations") String header) {
        ClientLocation.Parsed parsed = ClientLocation.parse(header, SITES, "header");
        if (parsed.location() == null) {
            assertThat(parsed.problem()).isNotBlank();
        } else {
            assertThat(parsed.problem()).isNull();
            assertThat(parsed.location().point().lat()).isBetween(-90.0, 90.0);
            assertThat(parsed.location().point().lon()).isBetween(-180.0, 180.0);
            assertThat(parsed.location().describe()).isNotBlank();
        }
    }

    /** The checks InferenceGateway makes of the header, code by code: a code without a problem is one it may use. */
    @Property(tries = 1000)
    void jurisdictionHeadersAreNamedCodesOrProblems(@ForAll("jurisdictionHeaders") String header) {
        List<String> codes = Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<Optional<String>> problems = codes.stream().map(JURISDICTIONS::problem).toList();
        problems.forEach(p -> p.ifPresent(message -> assertThat(message).isNotBlank()));
        if (!codes.isEmpty() && problems.stream().allMatch(Optional::isEmpty)) {
            assertThat(JURISDICTIONS.allowed(codes).declared()).isEqualTo(codes);
        }
    }

    @Property(tries = 1000)
    void clientAddressesAreLocatedOrNot(@ForAll("addresses") String address) {
        NETWORKS.locate(address).ifPresent(l -> assertThat(l.source()).startsWith("network "));
    }

    // ---- generators ----

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.randomValue(r -> JsonFuzz.body(REQUESTS, r));
    }

    @Provide
    Arbitrary<String> locations() {
        String[] numbers = {"0", "-0", "90", "-90.0", "90.0000001", "180", "-180.5", "1e2", "1e-400", "NaN", "Infinity",
                "-Infinity", "0x1p3", "1d", "2f", "", " ", "+5", "1_0", "\u0661\u0662", "9".repeat(400)};
        Arbitrary<String> pairs = Arbitraries.randomValue(r -> numbers[r.nextInt(numbers.length)]
                + (r.nextInt(8) == 0 ? ";" : ",") + (r.nextInt(8) == 0 ? " , " : "") + numbers[r.nextInt(numbers.length)]);
        Arbitrary<String> sites = Arbitraries.of(SITES.names().toArray(String[]::new))
                .map(s -> s.toUpperCase(Locale.ROOT));
        return Arbitraries.oneOf(pairs, sites, Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789.,-+eE ").ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> jurisdictionHeaders() {
        Arbitrary<String> code = Arbitraries.oneOf(Arbitraries.of("EU", "EEA", "FIVE_EYES", "GCC", "DE", "IN-MH", "IN-XX",
                "XX-MH", "in", "eu", "IN-", "-MH", "IN-MHX1", "ZZ", "", " "), Arbitraries.strings().ofMaxLength(12));
        return code.list().ofMaxSize(8).map(l -> String.join(",", l));
    }

    @Provide
    Arbitrary<String> addresses() {
        Arbitrary<String> octet = Arbitraries.of("0", "1", "10", "20", "255", "256", "999", "01", "-1", "");
        Arbitrary<String> v4 = octet.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l));
        Arbitrary<String> v6 = Arbitraries.strings().withChars("0123456789abcdefABCDEF:.").ofMaxLength(45);
        return Arbitraries.oneOf(v4, v6, Arbitraries.of("::1", "::ffff:10.20.1.1", "2001:db8::1", "fe80::1%eth0",
                "[::1]", "localhost"), Arbitraries.strings().ofMaxLength(40));
    }

    // ---- the outcome ----

    /**
     * Reads a body and checks the answer against an independent parse: a body that is one JSON object is never
     * refused as invalid JSON, a model read is that object's top-level "model", and nothing but
     * {@link InferenceRequestBody.Invalid} with a documented code is thrown.
     */
    private static void checkBody(byte[] body) {
        JsonNode tree = oneJsonValue(body);
        try {
            InferenceRequestBody read = InferenceRequestBody.read(body);
            assertThat(read.model()).isNotBlank();
            assertThat(tree).as("a body that was read is one JSON object").isNotNull();
            assertThat(tree.path("model").asText()).isEqualTo(read.model());
        } catch (InferenceRequestBody.Invalid e) {
            assertThat(e.code).isIn("invalid_json", "invalid_type", "missing_model");
            assertThat(e.getMessage()).isNotBlank();
            if (tree != null && tree.isObject()) {
                assertThat(e.code).as("%s for a JSON object: %s", e.getMessage(), new String(body, StandardCharsets.UTF_8))
                        .isNotEqualTo("invalid_json");
            }
        }
    }

    /** The body as one JSON value, or null when it is not exactly one. */
    private static JsonNode oneJsonValue(byte[] body) {
        try {
            return ONE_JSON_VALUE.readValue(body);
        } catch (IOException e) {
            return null;
        }
    }
}
