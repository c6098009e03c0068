package io.flotilla.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One of the charts under deploy/helm, rendered and linted by Helm's own engine (helm-java runs it in-process), with
 * the objects it renders parsed into fabric8's typed model.
 */
final class HelmChart {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Path dir;
    private final String release;
    private final String namespace;

    HelmChart(String name, String release, String namespace) {
        this.dir = repoFile("deploy", "helm", name);
        this.release = release;
        this.namespace = namespace;
    }

    static Path repoFile(String first, String... more) {
        return Path.of(System.getProperty("flotilla.repo.root", "..")).resolve(Path.of(first, more));
    }

    /** A plain manifest of the repository, parsed as the charts' output is. */
    static Rendered manifest(Path file) throws IOException {
        return new Rendered(parse(Files.readString(file)));
    }

    /** An example values file of the chart's ci/ folder, the same ones deploy/helm/README.md shows. */
    Path example(String file) {
        return dir.resolve("ci").resolve(file);
    }

    /** The chart rendered with its defaults, the example values file (when not null) and then each value set. */
    Rendered render(String exampleFile, Map<String, ?> set) {
        return render(exampleFile == null ? null : example(exampleFile), set);
    }

    /** The chart rendered with its defaults, a values file (when not null) and then each value set. */
    Rendered render(Path valuesFile, Map<String, ?> set) {
        TemplateCommand template = new Helm(dir).template().withName(release).withNamespace(namespace);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (var value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return new Rendered(parse(template.call()));
    }

    Rendered render(String exampleFile) {
        return render(exampleFile, Map.of());
    }

    /** Rendering with these values over the defaults fails with a message that holds this text. */
    void assertRenderFails(String values, String text) {
        assertThatThrownBy(() -> render((Path) null, sets(values))).hasMessageContaining(text);
    }

    /** "key=value,key=value" as values to set; "key=" sets the empty string. */
    private static Map<String, String> sets(String values) {
        return Arrays.stream(values.split(",")).map(v -> v.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
    }

    /**
     * Helm's strict lint of the chart with an example values file (or its defaults, when null). helm-java's lint takes
     * no values file, so the chart is copied to {@code workDir} with the example merged into its values.yaml.
     */
    LintResult lint(String exampleFile, Path workDir) throws IOException {
        Path copy = workDir.resolve(dir.getFileName());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(dir.relativize(file).toString()));
            }
        }
        if (exampleFile != null) {
            Map<String, Object> values = YAML.readValue(dir.resolve("values.yaml").toFile(), MAP);
            merge(values, YAML.readValue(example(exampleFile).toFile(), MAP));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** Helm's own rule: maps merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && into.get(key) instanceof Map<?, ?> existing) {
                merge((Map<String, Object>) existing, (Map<String, Object>) map);
            } else {
                into.put(key, value);
            }
        });
    }

    private static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
        return documents.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
    }
}
