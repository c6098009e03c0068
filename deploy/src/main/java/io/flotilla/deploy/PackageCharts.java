package io.flotilla.deploy;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Packages each chart under a folder into a Helm chart archive ({@code <name>-<version>.tgz}), as {@code helm package}
 * does, with Helm's own code (helm-java): the archives that k0s's Helm extension installs from a node's disk
 * (docs/edge-k0s.md) and that {@code helm install} takes. Run at the deploy module's package phase:
 * {@code ./flotilla mvn -pl deploy -am package -DskipTests} writes deploy/target/helm/.
 */
public final class PackageCharts {

    private PackageCharts() {
    }

    /** @param args the folder holding the charts, and the folder to write the archives to */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PackageCharts CHARTS_DIR DESTINATION_DIR");
        }
        Path charts = Path.of(args[0]);
        Path destination = Files.createDirectories(Path.of(args[1]));
        try (var dirs = Files.list(charts)) {
            for (Path chart : dirs.filter(d -> Files.isRegularFile(d.resolve("Chart.yaml"))).sorted().toList()) {
                new Helm(chart).packageIt().withDestination(destination).call();
                System.out.println("Packaged " + chart.getFileName() + " into " + destination);
            }
        }
    }
}
