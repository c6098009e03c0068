package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvTest {

    private final PolicyParser parser = PolicyParser.standard();

    /** A policy whose workload has {@code env} written as given, starting on line 9. */
    private static String withEnv(String env) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: p }
                spec:
                  placement: { jurisdictions: [EU] }
                  workload:
                    model: m
                    image: i
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                """ + env.indent(4);
    }

    private Workload workload(PolicySet set) {
        assertThat(set.formatErrors()).isEmpty();
        return set.policies().get(0).spec().workload();
    }

    @Test
    void listFormTakesPlainValuesAndSecretReferencesSortedByName() {
        PolicySet set = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: LOG_LEVEL, value: debug }
                  - name: HF_TOKEN
                    secretKeyRef: { name: hf, key: token }
                """));

        assertThat(workload(set).env()).containsExactly(
                EnvVar.fromSecret("HF_TOKEN", "hf", "token"),
                EnvVar.plain("LOG_LEVEL", "debug"));
        assertThat(set.warnings()).isEmpty();
    }

    @Test
    void mapFormOfPlainValuesStillReadsAndEqualsTheListForm() {
        Workload map = workload(parser.parse("p.yaml", withEnv("env: { B: \"2\", A: \"1\" }")));
        Workload list = workload(parser.parse("p.yaml", withEnv("env: [{ name: A, value: \"1\" }, { name: B, value: \"2\" }]")));

        assertThat(map.env()).containsExactly(EnvVar.plain("A", "1"), EnvVar.plain("B", "2"));
        assertThat(list).isEqualTo(map);
    }

    @Test
    void canonicalFormKeepsTheMappingForPlainValuesAndUsesTheListWithASecretReference() {
        FleetPolicy plain = parser.parse("p.yaml", withEnv("env: [{ name: A, value: \"1\" }]")).policies().get(0);
        FleetPolicy secret = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: A, value: "1" }
                  - { name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }
                """)).policies().get(0);

        assertThat(CanonicalPolicy.toYaml(plain)).contains("    env:\n      A: '1'\n");
        assertThat(CanonicalPolicy.toYaml(secret)).contains("""
                    env:
                      - name: A
                        value: '1'
                      - name: HF_TOKEN
                        secretKeyRef:
                          name: hf
                          key: token
                """);
        assertThat(parser.parse("c.yaml", CanonicalPolicy.toYaml(secret)).policies()).containsExactly(secret);
        assertThat(parser.parse("c.json", CanonicalPolicy.toJson(secret)).policies()).containsExactly(secret);
    }

    @Test
    void exactlyOneOfValueAndSecretKeyRefIsRequired() {
        PolicySet set = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: BOTH, value: x, secretKeyRef: { name: s, key: k } }
                  - { name: NEITHER }
                """));

        assertThat(set.errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:11:47: spec.workload.env[0].secretKeyRef: give either value or secretKeyRef, not both",
                "p.yaml:12:9: spec.workload.env[1]: needs value or secretKeyRef");
    }

    @Test
    void badNamesDuplicatesAndBadReferencesAreErrorsWithTheirLines() {
        PolicySet set = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }
                  - { name: HF_TOKEN, value: x }
                  - { name: 1BAD, value: x }
                  - { name: REF, secretKeyRef: { name: Not_A_Secret, key: "a/b" } }
                  - { name: NOKEY, secretKeyRef: { name: s } }
                """));

        assertThat(set.errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:13:17: spec.workload.env[2].name: must be an environment variable name (got '1BAD')",
                "p.yaml:14:44: spec.workload.env[3].secretKeyRef.name: must be a Secret name (DNS-1123 subdomain) (got 'Not_A_Secret')",
                "p.yaml:14:63: spec.workload.env[3].secretKeyRef.key: must be a Secret key of letters, digits, '-', '_' and '.' (got 'a/b')",
                "p.yaml:15:38: spec.workload.env[4].secretKeyRef.key: required field is missing");
        PolicySet duplicate = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }
                  - { name: HF_TOKEN, value: x }
                """));
        assertThat(duplicate.errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:12:17: spec.workload.env[1].name: duplicate of item 0 ('HF_TOKEN')");
    }

    @Test
    void envThatIsNeitherListNorMappingIsAnError() {
        PolicySet set = parser.parse("p.yaml", withEnv("env: HF_TOKEN=x"));

        assertThat(set.errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:10:10: spec.workload.env: expected a list of {name, value} or {name, secretKeyRef} entries, "
                        + "or a mapping of names to values, got a string ('HF_TOKEN=x')");
    }

    @Test
    void plainValuesOfCredentialNamesWarnWithLineAndTheAlternativeButStayValid() {
        PolicySet set = parser.parse("p.yaml", withEnv("""
                env:
                  - { name: HF_TOKEN, value: hf_abc123 }
                  - { name: OPENAI_API_KEY, value: sk-1 }
                  - { name: db_password_file, value: /run/pw }
                  - { name: MY_SECRET_SAUCE, value: x }
                  - { name: MAX_BATCH_TOKENS, value: "16384" }
                  - { name: KEYCLOAK_URL, value: "https://id" }
                  - { name: SAFE_TOKEN, secretKeyRef: { name: s, key: k } }
                """));

        assertThat(set.isValid()).isTrue();
        assertThat(set.warnings()).extracting(w -> w.line() + ":" + w.path()).containsExactly(
                "11:spec.workload.env[0].value",
                "12:spec.workload.env[1].value",
                "13:spec.workload.env[2].value",
                "14:spec.workload.env[3].value");
        assertThat(set.formatWarnings().lines().findFirst()).hasValue("p.yaml:11:34: warning: spec.workload.env[0].value: "
                + "'HF_TOKEN' looks like a credential, and a plain value is stored by the control plane and sent to every "
                + "chosen cluster; create a Secret in the workload's namespace on the edge clusters and reference it instead: "
                + "{name: HF_TOKEN, secretKeyRef: {name: <secret>, key: <key>}}");
        assertThat(set.formatWarnings()).as("the value itself is never repeated").doesNotContain("hf_abc123", "sk-1");
    }

    @Test
    void theMapFormWarnsTooAtTheValue() {
        PolicySet set = parser.parse("p.yaml", withEnv("env: { HF_TOKEN: hf_abc123 }"));

        assertThat(set.isValid()).isTrue();
        assertThat(set.warnings()).extracting(PolicyError::format)
                .singleElement().asString().startsWith("p.yaml:10:22: spec.workload.env.HF_TOKEN: 'HF_TOKEN' looks like a credential");
    }

    @Test
    void aSecretReferenceModelsAsAReferenceOnly() {
        EnvVar ref = workload(parser.parse("p.yaml", withEnv("env: [{ name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }]")))
                .env().get(0);

        assertThat(ref.value()).isEmpty();
        assertThat(ref.secretKeyRef()).isEqualTo(Optional.of(new SecretKeyRef("hf", "token")));
    }
}
