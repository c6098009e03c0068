package io.flotilla.fleetctl;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What fleetctl reads from its surroundings besides its arguments: environment variables, the working
 * directory (for {@code ./data/admin-token}) and the clock (for ages such as "9s ago"). Tests pass their own
 * instead of the process's.
 */
public record Environment(Map<String, String> variables, Path workingDirectory, Clock clock) {

    public static final String SERVER_VARIABLE = "FLOTILLA_SERVER";
    public static final String TOKEN_VARIABLE = "FLOTILLA_TOKEN";
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    /** Where the quick-start control plane writes the admin token, relative to the working directory. */
    public static final Path ADMIN_TOKEN_FILE = Path.of("data", "admin-token");

    public Environment {
        variables = Map.copyOf(variables);
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** With the system clock. */
    public Environment(Map<String, String> variables, Path workingDirectory) {
        this(variables, workingDirectory, Clock.systemUTC());
    }

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath());
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
