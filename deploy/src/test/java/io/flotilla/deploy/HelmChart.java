package io.flotilla.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One of the charts under deploy/helm, rendered and linted by Helm's own engine (helm-java runs it in-process), with
 * the objects it renders parsed into fabric8's typed model.
 */
final class HelmChart {

    static final String NAMESPACE = "flotilla";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final Path dir;
    private final String release;

    HelmChart(String name, String release) {
        this.dir = Path.of(System.getProperty("flotilla.repo.root", ".."), "deploy", "helm", name);
        this.release = release;
    }

    Path dir() {
        return dir;
    }

    /** An example values file of the chart's ci/ folder, the same ones deploy/helm/README.md shows. */
    Path example(String file) {
        return dir.resolve("ci").resolve(file);
    }

    /** The chart rendered with its defaults, the example values file (when not null) and then each value set. */
    Rendered render(String exampleFile, Map<String, ?> set) {
        TemplateCommand template = new Helm(dir).template().withName(release).withNamespace(NAMESPACE);
        if (exampleFile != null) {
            template = template.withValuesFile(example(exampleFile));
        }
        for (var value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return new Rendered(parse(template.call()));
    }

    Rendered render(String exampleFile) {
        return render(exampleFile, Map.of());
    }

    LintResult lint() {
        return new Helm(dir).lint().strict().call();
    }

    private static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
        return documents.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
    }
}
