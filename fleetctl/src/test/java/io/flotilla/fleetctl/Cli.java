package io.flotilla.fleetctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs fleetctl in-process, as main would, with a given environment and captured stdout/stderr. */
final class Cli {

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(Environment environment, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        CommandLine cl = Fleetctl.commandLine(environment);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** No variables: no FLOTILLA_SERVER, no FLOTILLA_TOKEN; the working directory is {@code cwd}. */
    static Environment env(Path cwd) {
        return new Environment(Map.of(), cwd);
    }

    static Environment env(Path cwd, FakeApi api) {
        return new Environment(Map.of(Environment.SERVER_VARIABLE, api.url()), cwd);
    }
}
