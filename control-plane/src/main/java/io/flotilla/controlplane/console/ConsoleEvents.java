package io.flotilla.controlplane.console;

import io.flotilla.controlplane.fleet.FleetChanged;
import io.flotilla.controlplane.fleet.MassOfflineChanged;
import io.flotilla.controlplane.policy.PoliciesChanged;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Change notifications for the console, after the change committed: which kind of thing changed and
 * which cluster, never the data (the page reloads what it shows through the API, with its own token).
 */
@ApplicationScoped
public class ConsoleEvents {

    /** @param type {@code fleet}, {@code policies} or {@code ping} (every 15 s, keeps proxies from closing the stream) */
    public record ConsoleEvent(String type, String kind, String cluster, Instant at) {
    }

    private final BroadcastProcessor<ConsoleEvent> processor = BroadcastProcessor.create();

    void onFleetChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FleetChanged change) {
        processor.onNext(new ConsoleEvent("fleet", change.kind().name().toLowerCase(Locale.ROOT), change.clusterId(), Instant.now()));
    }

    /** Not tied to a transaction: the guard fires it when a presence check sees the share cross the threshold. */
    void onMassOfflineChanged(@Observes MassOfflineChanged change) {
        String kind = change.state().holds() ? "mass_offline_started" : "mass_offline_ended";
        processor.onNext(new ConsoleEvent("fleet", kind, null, Instant.now()));
    }

    void onPoliciesChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) PoliciesChanged change) {
        processor.onNext(new ConsoleEvent("policies", "changed", null, Instant.now()));
    }

    public Multi<ConsoleEvent> stream() {
        Multi<ConsoleEvent> pings = Multi.createFrom().ticks().every(Duration.ofSeconds(15))
                .onOverflow().drop().map(t -> new ConsoleEvent("ping", null, null, Instant.now()));
        // a slow reader gets its changes buffered (a broadcast fails a subscriber without demand); the changes
        // first, so that they are subscribed to before "hello" tells the page it is connected
        return Multi.createBy().merging().streams(processor.onOverflow().buffer(1024), pings,
                Multi.createFrom().item(() -> new ConsoleEvent("hello", null, null, Instant.now())));
    }
}
