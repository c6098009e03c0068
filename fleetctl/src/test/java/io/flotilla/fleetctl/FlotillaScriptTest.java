package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's front door, {@code ./flotilla}, picks a JDK >= 21 for every command it runs, also for the
 * {@code mvn} and {@code java} pass-throughs the docs use, when the {@code java} first on PATH and JAVA_HOME are
 * older (Debian's default is 17); without one it stops with the install hint instead of failing deep in a build.
 */
class FlotillaScriptTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void javaPassThroughSkipsAnOlderJavaOnPathAndAnOlderJavaHome() throws Exception {
        Path old = fakeJdk("jdk-17", 17);

        Result r = flotilla(Map.of("PATH", old.resolve("bin") + ":/usr/bin:/bin", "JAVA_HOME", old.toString()), "java", "-version");

        assertThat(r.exit).as(r.output).isZero();
        Matcher m = VERSION.matcher(r.output);
        assertThat(m.find()).as(r.output).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(21);
        assertThat(r.output).doesNotContain("fake java 17");
    }

    @Test
    void mavenPassThroughRunsOnTheJdkFound() throws Exception {
        Path old = fakeJdk("jdk-17", 17);

        Result r = flotilla(Map.of("PATH", old.resolve("bin") + ":/usr/bin:/bin", "JAVA_HOME", old.toString()), "mvn", "-v");

        assertThat(r.exit).as(r.output).isZero();
        Matcher m = Pattern.compile("Java version: (\\d+)").matcher(r.output);
        assertThat(m.find()).as(r.output).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(21);
    }

    @Test
    void jdkToolsComeFromTheJdkFoundToo() throws Exception {
        Path old = fakeJdk("jdk-17", 17);

        Result r = flotilla(Map.of("PATH", old.resolve("bin") + ":/usr/bin:/bin", "JAVA_HOME", old.toString()), "jdk", "javac", "-version");
        Result missing = flotilla(Map.of(), "jdk", "no-such-tool");

        assertThat(r.exit).as(r.output).isZero();
        Matcher m = Pattern.compile("javac (\\d+)").matcher(r.output);
        assertThat(m.find()).as(r.output).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(21);
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.output).contains("usage: ./flotilla jdk TOOL ARGS...");
    }

    @Test
    void withoutAJdk21ItStopsWithTheInstallHint() throws Exception {
        Path old = fakeJdk("jdk-17", 17);

        Result r = flotilla(Map.of("PATH", old.resolve("bin") + ":/usr/bin:/bin", "JAVA_HOME", old.toString(),
                "FLOTILLA_JDK_SEARCH", tmp.resolve("none").toString()), "java", "-version");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).startsWith("./flotilla: Flotilla needs a JDK 21 or newer, and none was found")
                .contains("apt-get install openjdk-21-jdk");
    }

    @Test
    void anUnknownCommandListsTheCommands() throws Exception {
        Result r = flotilla(Map.of(), "frobnicate");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("usage: ./flotilla [run|test|build|dist|images|mvn ARGS...|java ARGS...|jdk TOOL ARGS...]");
    }

    /** A JDK folder whose java and javac only say they are {@code major}. */
    private Path fakeJdk(String name, int major) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve(name).resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, """
                    #!/bin/sh
                    echo "fake %s %d" >&2
                    echo "    java.specification.version = %d" >&2
                    echo 'openjdk version "%d.0.15"' >&2
                    """.formatted(tool, major, major, major), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return tmp.resolve(name);
    }

    private record Result(int exit, String output) {
    }

    private Result flotilla(Map<String, String> env, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("bash", ROOT.resolve("flotilla").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("FLOTILLA_JDK_SEARCH");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
