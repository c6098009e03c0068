package io.flotilla.images;

import static io.flotilla.images.BuildImages.APP;
import static io.flotilla.images.BuildImages.USER;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A Quarkus fast-jar (quarkus-app/) in /app, split so that a new commit mostly changes the top layer: third-party
 * libraries, Flotilla's own library modules, then the application (app/, quarkus/, quarkus-run.jar).
 */
final class AppLayers {

    static final String DEPENDENCIES = "dependencies";
    static final String FLOTILLA_LIBRARIES = "flotilla-libraries";
    static final String APPLICATION = "application";

    private AppLayers() {
    }

    /** quarkus-app/lib: Flotilla's modules ({@code io.flotilla.*.jar}) or all the others. */
    static FileEntriesLayer dependencies(Path appDir, boolean flotilla) throws IOException {
        Predicate<Path> ours = f -> f.getFileName().toString().startsWith("io.flotilla.");
        return files(flotilla ? FLOTILLA_LIBRARIES : DEPENDENCIES, appDir, appDir.resolve("lib"),
                flotilla ? ours : ours.negate()).build();
    }

    /** Everything in quarkus-app but lib/, and the data folder, which only the image's user may write. */
    static FileEntriesLayer application(Path appDir, AbsoluteUnixPath dataDir) throws IOException {
        Path lib = appDir.resolve("lib");
        return files(APPLICATION, appDir, appDir, f -> !f.startsWith(lib))
                .addEntry(new FileEntry(appDir, dataDir, BuildImages.mode("700"),
                        FileEntriesLayer.DEFAULT_MODIFICATION_TIME, USER + ":" + USER))
                .build();
    }

    private static FileEntriesLayer.Builder files(String name, Path appDir, Path dir, Predicate<Path> include)
            throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        try (var files = BuildImages.walk(dir)) {
            files.filter(Files::isRegularFile).filter(include).forEach(f ->
                    layer.addEntry(f, APP.resolve(appDir.relativize(f).toString())));
        }
        return layer;
    }
}
