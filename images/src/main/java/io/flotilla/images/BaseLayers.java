package io.flotilla.images;

import static io.flotilla.images.BuildImages.USER;
import static io.flotilla.images.BuildImages.mode;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The assembled base, in place of a distroless image from a registry: a jlink'ed Java runtime, and the build machine's
 * shared libraries that it links (glibc, zlib), found with ldd, at the paths it looks them up.
 */
final class BaseLayers {

    /** "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and the loader's own "/lib64/ld-linux-x86-64.so.2 (0x...)" */
    private static final Pattern LIBRARY = Pattern.compile("^\\s*(?:\\S+ => )?(/\\S+) \\(0x[0-9a-f]+\\)$");

    /** java.desktop's libraries for windows, sound and the splash screen, which a headless server never loads */
    private static final Pattern DESKTOP_ONLY = Pattern.compile("lib(awt_xawt|jawt|jsound|splashscreen)\\.so");

    private BaseLayers() {
    }

    /** jlinks the runtime into {@code work/runtime} and returns the os and java-runtime layers. */
    static List<FileEntriesLayer> build(Path work) throws IOException, InterruptedException {
        Path runtime = work.resolve("runtime");
        deleteRecursively(runtime);
        String modules = BuildImages.MODULES + (Runtime.version().feature() < 22 ? ",jdk.crypto.ec" : "");
        BuildImages.runTool("jlink", "--add-modules", modules, "--output", runtime.toString(), "--strip-debug",
                "--no-header-files", "--no-man-pages", "--compress=zip-6", "--generate-cds-archive");
        return List.of(os(work.resolve("rootfs"), sharedLibraries(runtime)), javaRuntime(runtime));
    }

    static FileEntriesLayer javaRuntime(Path runtime) throws IOException {
        return FileEntriesLayer.builder().setName("java-runtime")
                .addEntryRecursive(runtime, BuildImages.JAVA_HOME,
                        (source, target) -> mode(Files.isExecutable(source) ? "755" : "644")).build();
    }

    /** The shared libraries outside the runtime that its executables and libraries link, as paths on this machine. */
    static TreeSet<String> sharedLibraries(Path runtime) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ldd"));
        try (var files = BuildImages.walk(runtime)) {
            files.filter(f -> Files.isRegularFile(f) && (f.getFileName().toString().endsWith(".so")
                            || f.getParent().getFileName().toString().equals("bin")))
                    .filter(f -> !DESKTOP_ONLY.matcher(f.getFileName().toString()).matches())
                    .forEach(f -> command.add(f.toString()));
        }
        Process ldd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldd.waitFor();
        TreeSet<String> libraries = new TreeSet<>();
        for (String line : out.split("\n")) {
            Matcher m = LIBRARY.matcher(line);
            if (m.matches() && !Path.of(m.group(1)).normalize().startsWith(runtime)) {
                libraries.add(m.group(1));
            }
        }
        if (libraries.stream().noneMatch(l -> l.contains("/libc.so"))) {
            throw new IllegalStateException("ldd found no libc for the Java runtime:\n" + out);
        }
        return libraries;
    }

    /** The libraries (each a regular file at the path it is looked up at), users and groups, /tmp and a home. */
    static FileEntriesLayer os(Path rootfs, TreeSet<String> libraries) throws IOException {
        deleteRecursively(rootfs);
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.createDirectories(rootfs.resolve("home/nonroot"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/sbin/nologin
                nonroot:x:%1$s:%1$s:nonroot:/home/nonroot:/sbin/nologin
                """.formatted(USER));
        Files.writeString(rootfs.resolve("etc/group"), """
                root:x:0:
                nonroot:x:%1$s:
                """.formatted(USER));
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("os");
        for (String library : libraries) {
            layer.addEntry(Path.of(library).toRealPath(), AbsoluteUnixPath.get(library), mode("755"));
        }
        return layer
                .addEntry(rootfs.resolve("etc/passwd"), AbsoluteUnixPath.get("/etc/passwd"), mode("644"))
                .addEntry(rootfs.resolve("etc/group"), AbsoluteUnixPath.get("/etc/group"), mode("644"))
                .addEntry(new FileEntry(rootfs.resolve("tmp"), AbsoluteUnixPath.get("/tmp"), mode("777"),
                        FileEntriesLayer.DEFAULT_MODIFICATION_TIME))
                .addEntry(new FileEntry(rootfs.resolve("home/nonroot"), AbsoluteUnixPath.get("/home/nonroot"),
                        mode("700"), FileEntriesLayer.DEFAULT_MODIFICATION_TIME, USER + ":" + USER))
                .build();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
