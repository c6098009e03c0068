package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetctl rollout status|pause|resume|undo POLICY}: a policy change rolling out in waves. */
@Command(name = "rollout", description = "Show and steer a policy's rollout waves.",
        subcommands = {RolloutCommand.Status.class, RolloutCommand.Pause.class, RolloutCommand.Resume.class,
                RolloutCommand.Undo.class})
final class RolloutCommand {

    private static final Set<String> FINISHED = Set.of("DONE", "SUPERSEDED");
    private static final int BAR_WIDTH = 30;

    static String path(String policy, String action) {
        return PolicyApply.POLICIES + "/" + ApiClient.encode(policy) + "/rollout" + (action.isEmpty() ? "" : "/" + action);
    }

    @Command(name = "status", description = {"Show the policy's latest rollout: waves, each cluster's state, progress.",
            "With --watch, redraws every second until the rollout is done."})
    static final class Status extends BaseCommand implements Callable<Integer> {

        @Parameters(paramLabel = "POLICY", description = "The policy's name.")
        String policy;

        @Option(names = {"-w", "--watch"}, description = "Poll every second and redraw until the rollout is done.")
        boolean watch;

        @Override
        public Integer call() throws InterruptedException {
            try (ApiClient client = client()) {
                int drawn = 0;
                while (true) {
                    JsonNode rollout = client.get(path(policy, ""));
                    if (printStructured(rollout)) {
                        if (!watch || FINISHED.contains(Json.text(rollout, "state"))) {
                            return ExitCodes.OK;
                        }
                    } else {
                        List<String> frame = render(rollout);
                        if (drawn > 0) {
                            // move the cursor up over the previous frame and clear it: a redraw, not a scroll
                            out().print("\033[" + drawn + "F\033[J");
                        }
                        frame.forEach(out()::println);
                        out().flush();
                        drawn = frame.size();
                        if (!watch || FINISHED.contains(Json.text(rollout, "state"))) {
                            return ExitCodes.OK;
                        }
                    }
                    Thread.sleep(1000);
                }
            }
        }
    }

    @Command(name = "pause", description = "Pause the rollout in progress: no further wave starts until resumed.")
    static final class Pause extends Steer {
        Pause() {
            super("pause");
        }
    }

    @Command(name = "resume", description = "Resume a paused rollout (it pauses again if failures still exceed maxUnavailable).")
    static final class Resume extends Steer {
        Resume() {
            super("resume");
        }
    }

    @Command(name = "undo", description = "Roll back: apply the previous revision again; it rolls out in waves.")
    static final class Undo extends BaseCommand implements Callable<Integer> {

        @Parameters(paramLabel = "POLICY", description = "The policy's name.")
        String policy;

        @Override
        public Integer call() {
            JsonNode answer;
            try (ApiClient client = client()) {
                answer = client.post(path(policy, "undo"), "application/json", "");
            }
            if (!printStructured(answer)) {
                JsonNode result = answer.path("results").path(0);
                out().println("policy " + policy + " rolled back: revision " + Json.cell(result, "revision")
                        + " (" + Json.cell(result, "action") + ") rolls out now");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    abstract static class Steer extends BaseCommand implements Callable<Integer> {

        private final String action;

        @Parameters(paramLabel = "POLICY", description = "The policy's name.")
        String policy;

        Steer(String action) {
            this.action = action;
        }

        @Override
        public Integer call() {
            JsonNode rollout;
            try (ApiClient client = client()) {
                rollout = client.post(path(policy, action), "application/json", "");
            }
            if (!printStructured(rollout)) {
                render(rollout).forEach(out()::println);
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    static List<String> render(JsonNode r) {
        var lines = new ArrayList<String>();
        String reason = Json.text(r, "reason");
        lines.add("Rollout of " + Json.cell(r, "policy") + " revision " + Json.cell(r, "revision") + " (from "
                + Json.cell(r, "fromRevision") + "): " + Json.cell(r, "state") + (reason == null ? "" : " - " + reason));
        int percent = r.path("progressPercent").asInt();
        int filled = percent * BAR_WIDTH / 100;
        lines.add("[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + percent + "%  "
                + Json.cell(r, "converged") + "/" + Json.cell(r, "clusters") + " converged, " + Json.cell(r, "failed")
                + " failed  (waveSize " + Json.cell(r, "waveSize") + ", maxUnavailable " + Json.cell(r, "maxUnavailable") + ")");
        var table = new Table("WAVE", "STATE", "CLUSTERS");
        for (JsonNode wave : r.path("waves")) {
            var clusters = new ArrayList<String>();
            for (JsonNode c : wave.path("clusters")) {
                String detail = Json.text(c, "detail");
                clusters.add(Json.cell(c, "clusterId") + " " + Json.cell(c, "state") + (detail == null ? "" : " (" + detail + ")"));
            }
            table.row(Json.number(wave.path("index")), Json.cell(wave, "state"), String.join(", ", clusters));
        }
        table.render().lines().forEach(l -> lines.add("  " + l));
        return lines;
    }
}
