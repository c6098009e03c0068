package io.flotilla.fleetctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code fleetctl} command: global options and the subcommands. */
@Command(name = "fleetctl",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Fleetctl.Version.class,
        description = "Flotilla fleet client: validate and apply fleet policies, inspect clusters, placements and routes, "
                + "enroll clusters and rotate the control plane's signing key.",
        subcommands = {
                ValidateCommand.class,
                ApplyCommand.class,
                DiffCommand.class,
                GetCommand.class,
                ExplainCommand.class,
                RouteCommand.class,
                RolloutCommand.class,
                AuditCommand.class,
                EnrollCommand.class,
                RevokeCommand.class,
                KeysCommand.class,
                ReceiptCommand.class,
                CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:invalid policy files, or the server rejected the request (4xx), or no route",
                "2:usage error",
                "3:server unreachable, timed out, or failed (5xx), or keys rotate --wait ran out of time",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  FLOTILLA_SERVER   default for --server, else " + Environment.DEFAULT_SERVER,
                "  FLOTILLA_TOKEN    default for --token, else the file ./data/admin-token (servers on this machine only)%n",
        })
public final class Fleetctl implements Runnable {

    private final Environment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Control-plane URL. Default: $FLOTILLA_SERVER, else " + Environment.DEFAULT_SERVER)
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token, sent as 'Authorization: Bearer'. Default: $FLOTILLA_TOKEN, else ./data/admin-token for a server on this machine")
    String token;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format: table (the default), json or yaml; enroll prints script (its default), "
                    + "manifest, command, json or yaml.")
    OutputFormat output;

    public Fleetctl(Environment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Environment.system()).execute(args));
    }

    /** The configured command line: what main runs, and what tests run with their own environment and writers. */
    public static CommandLine commandLine(Environment environment) {
        var cl = new CommandLine(new Fleetctl(environment));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof CliException cli) {
                err.println("error: " + cli.getMessage());
                cli.details().forEach(d -> err.println("  " + d));
                err.flush();
                return cli.exitCode();
            }
            throw ex;
        });
        cl.setExecutionStrategy(parseResult -> {
            ParseResult last = parseResult;
            boolean help = false;
            for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
                help |= p.isUsageHelpRequested() || p.isVersionHelpRequested();
                last = p;
            }
            // -o is checked against the command that runs before that command calls the server
            if (!help && last.commandSpec().userObject() instanceof BaseCommand command) {
                command.output();
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cl;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    Environment environment() {
        return environment;
    }

    /** -o as given; empty when absent, so that each command applies its own default. */
    Optional<OutputFormat> output() {
        return Optional.ofNullable(output);
    }

    /** --server, else $FLOTILLA_SERVER, else the default; a usage error (exit 2) when it is not an http(s) URL. */
    URI serverUri(CommandLine forErrors) {
        String value = Optional.ofNullable(server).map(String::strip).filter(s -> !s.isEmpty())
                .or(() -> environment.variable(Environment.SERVER_VARIABLE))
                .orElse(Environment.DEFAULT_SERVER);
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw new ParameterException(forErrors, "invalid server URL '" + value + "': expected http://HOST:PORT or https://HOST:PORT");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ParameterException(forErrors, "invalid server URL '" + value + "': " + e.getReason());
        }
    }

    /**
     * --token, else $FLOTILLA_TOKEN, else, only for a server on this machine (a loopback address), the first line of
     * ./data/admin-token when that file exists: a local admin token is never sent to another host.
     */
    Optional<String> resolvedToken(URI server) {
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip());
        }
        Optional<String> fromEnv = environment.variable(Environment.TOKEN_VARIABLE);
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        Path file = environment.workingDirectory().resolve(Environment.ADMIN_TOKEN_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (!isLoopback(server)) {
            throw new CliException(ExitCodes.USAGE, "the server " + server + " is not on this machine, so fleetctl does not send it "
                    + "the local admin token (" + Environment.ADMIN_TOKEN_FILE + "); pass --token or set " + Environment.TOKEN_VARIABLE);
        }
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
        } catch (IOException e) {
            throw new CliException(ExitCodes.REJECTED, "cannot read the token file " + file + ": " + e.getMessage());
        }
    }

    /** Whether the URI's host is a loopback address, by its literal or its name ({@code localhost}) without a lookup. */
    static boolean isLoopback(URI server) {
        String host = server.getHost();
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.matches("127(\\.\\d{1,3}){3}")) {
            return true;
        }
        return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** Reads the version that Maven wrote into version.properties. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            var props = new Properties();
            try (InputStream in = Fleetctl.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            }
            return new String[] {
                    "fleetctl " + props.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            };
        }
    }
}
