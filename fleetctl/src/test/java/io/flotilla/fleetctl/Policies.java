package io.flotilla.fleetctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small valid policy files for tests. */
final class Policies {

    private Policies() {
    }

    static String yaml(String name) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: %s
                spec:
                  workload:
                    model: m
                    image: i
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                  placement:
                    jurisdictions: [EU]
                """.formatted(name);
    }

    static Path write(Path dir, String file, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copyResource(String resource, Path dir) {
        try (var in = Policies.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            Files.createDirectories(dir);
            Path target = dir.resolve(Path.of(resource).getFileName().toString());
            Files.write(target, in.readAllBytes());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resourceText(String resource) {
        try (var in = Policies.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
