package io.flotilla.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Port;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the container images of the control plane and the edge agent as tarballs (docs/images.md), with Jib's library
 * and no Docker daemon or registry. Each image's layers, from the bottom:
 * <ol>
 * <li>{@code os}: the build machine's glibc and the few libraries the Java runtime links, /etc/passwd and /etc/group
 * with the user {@value #USER} ({@code nonroot}), /tmp;</li>
 * <li>{@code java-runtime}: a jlink'ed Java runtime in /opt/java, the same in both images;</li>
 * <li>{@code dependencies}: quarkus-app/lib less Flotilla's own modules;</li>
 * <li>{@code flotilla-libraries}: Flotilla's modules from quarkus-app/lib (wire protocol, policy, placement);</li>
 * <li>{@code application}: quarkus-app's app/, quarkus/ and quarkus-run.jar, and the data folder owned by the user.</li>
 * </ol>
 * With {@code flotilla.image.base} set, the image is built on that base instead of the first two layers.
 */
public final class BuildImages {

    static final String USER = "65532";
    static final AbsoluteUnixPath APP = AbsoluteUnixPath.get("/app");
    static final AbsoluteUnixPath JAVA_HOME = AbsoluteUnixPath.get("/opt/java");
    /**
     * The Java modules both applications use (jdeps --print-module-deps over each quarkus-app), plus what jdeps cannot
     * see: DNS through JNDI, the jar: file system that SmallRye looks up as a service, JFR; before JDK 22 the elliptic
     * curves of TLS too (jdk.crypto.ec).
     */
    static final String MODULES = "java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,"
            + "java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,"
            + "java.transaction.xa,java.xml,jdk.compiler,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,"
            + "jdk.zipfs";

    /** One application's image: where its quarkus-app is, what the image says about it, where the tarball goes. */
    record Image(String name, String title, String description, Path appDir, Path tarball, AbsoluteUnixPath dataDir,
                 Map<String, String> env, List<Port> ports) {
    }

    private final Path work;
    private final String tag;
    private final Map<String, String> labels;
    private final String repository;
    private final String base;
    /** the assembled base's layers, built for the first image and shared by the second */
    private List<FileEntriesLayer> baseLayers;

    BuildImages(Path work, String tag, Map<String, String> labels, String repository, String base) {
        this.work = work;
        this.tag = tag;
        this.labels = labels;
        this.repository = repository;
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("flotilla.root")).toRealPath();
        String version = System.getProperty("flotilla.version");
        String base = System.getProperty("flotilla.image.base", "").strip();
        Map<String, String> labels = new TreeMap<>();
        labels.put("org.opencontainers.image.source", System.getProperty("flotilla.image.source"));
        labels.put("org.opencontainers.image.revision", revision(root, System.getProperty("flotilla.image.revision", "")));
        labels.put("org.opencontainers.image.version", version);
        labels.put("org.opencontainers.image.vendor", "Flotilla");
        BuildImages build = new BuildImages(Path.of(System.getProperty("flotilla.work")),
                tag(System.getProperty("flotilla.image.tag", ""), version), labels,
                System.getProperty("flotilla.image.repository"), base);
        for (Image image : images(root)) {
            build.build(image);
        }
    }

    /**
     * The images' tag: the one given, else the project's version without {@code -SNAPSHOT}, which is the charts'
     * appVersion, so that the charts' default image names what a local build made.
     */
    static String tag(String given, String version) {
        return given.isBlank() ? version.replaceFirst("-SNAPSHOT$", "") : given.strip();
    }

    static List<Image> images(Path root) {
        AbsoluteUnixPath controlPlaneData = AbsoluteUnixPath.get("/var/lib/flotilla");
        AbsoluteUnixPath agentState = AbsoluteUnixPath.get("/var/lib/flotilla-agent");
        return List.of(
                new Image("control-plane", "Flotilla control plane",
                        "Flotilla's control plane (PostgreSQL build): fleet API, console, placement, inference router",
                        root.resolve("control-plane/target/image-app"),
                        root.resolve("control-plane/target/flotilla-control-plane-image.tar"), controlPlaneData,
                        Map.of("FLOTILLA_DATA_DIR", controlPlaneData.toString(), "QUARKUS_HTTP_HOST", "0.0.0.0"),
                        List.of(Port.tcp(8080), Port.tcp(1883))),
                new Image("edge-agent", "Flotilla edge agent",
                        "Flotilla's edge agent: applies its cluster's desired state and reports status and telemetry",
                        root.resolve("edge-agent/target/quarkus-app"),
                        root.resolve("edge-agent/target/flotilla-edge-agent-image.tar"), agentState,
                        Map.of("FLOTILLA_AGENT_STATE_DIR", agentState.toString(),
                                "FLOTILLA_AGENT_TELEMETRY_PROBE_LISTEN", "0.0.0.0:9477"),
                        List.of(Port.tcp(9477))));
    }

    void build(Image image) throws Exception {
        if (!Files.isRegularFile(image.appDir().resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(image.appDir() + "/quarkus-run.jar is missing: build with -Pimages");
        }
        Files.deleteIfExists(image.tarball());
        String reference = repository + "/" + image.name() + ":" + tag;
        JibContainerBuilder builder;
        String java;
        if (base.isEmpty()) {
            if (baseLayers == null) {
                baseLayers = BaseLayers.build(work);
            }
            builder = Jib.fromScratch()
                    .setFileEntriesLayers(baseLayers)
                    .addEnvironmentVariable("JAVA_HOME", JAVA_HOME.toString())
                    .addEnvironmentVariable("PATH", JAVA_HOME + "/bin:/usr/bin:/bin");
            java = JAVA_HOME + "/bin/java";
        } else {
            builder = Jib.from(base);
            java = "java";
        }
        Map<String, String> imageLabels = new LinkedHashMap<>(labels);
        imageLabels.put("org.opencontainers.image.title", image.title());
        imageLabels.put("org.opencontainers.image.description", image.description());
        image.env().forEach(builder::addEnvironmentVariable);
        builder.addFileEntriesLayer(AppLayers.dependencies(image.appDir(), false))
                .addFileEntriesLayer(AppLayers.dependencies(image.appDir(), true))
                .addFileEntriesLayer(AppLayers.application(image.appDir(), image.dataDir()))
                .setEntrypoint(java, "-XX:MaxRAMPercentage=75", "-jar", APP + "/quarkus-run.jar")
                .setWorkingDirectory(APP)
                .setUser(USER + ":" + USER)
                .setExposedPorts(Set.copyOf(image.ports()))
                .setVolumes(image.dataDir(), AbsoluteUnixPath.get("/tmp"))
                .setLabels(imageLabels)
                .setCreationTime(Instant.EPOCH);
        Containerizer to = Containerizer.to(TarImage.at(image.tarball()).named(reference))
                .setApplicationLayersCache(work.resolve("jib-cache/application"))
                .setBaseImageLayersCache(work.resolve("jib-cache/base"))
                .setOfflineMode(base.isEmpty())
                .setToolName("flotilla-images");
        builder.containerize(to);
        System.out.printf("images: %s -> %s (%d MiB)%n", reference, image.tarball(),
                Files.size(image.tarball()) >> 20);
    }

    /** The commit the images are built from: the given one, else the work tree's HEAD, else "unknown". */
    static String revision(Path root, String given) throws InterruptedException {
        if (!given.isBlank()) {
            return given.strip();
        }
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Runs a JDK tool (jlink) in this JVM; fails with its output. */
    static void runTool(String name, String... args) {
        ToolProvider tool = ToolProvider.findFirst(name)
                .orElseThrow(() -> new IllegalStateException(name + " is missing: build with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        PrintWriter writer = new PrintWriter(out);
        int rc = tool.run(writer, writer, args);
        writer.flush();
        if (rc != 0) {
            throw new IllegalStateException(name + " failed (" + rc + "): " + out);
        }
    }

    static FilePermissions mode(String octal) {
        return FilePermissions.fromOctalString(octal);
    }

    static Stream<Path> walk(Path dir) throws IOException {
        return Files.walk(dir).sorted();
    }
}
