package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.controlplane.routing.RouteService.PolicyFacts;
import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.proto.receipt.ReceiptClaims;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the signed routing receipt ({@code X-Flotilla-Receipt}) of an answered request, with the control plane's
 * active signing key, counts the request for the routing audit, and hands the receipt to the {@link ReceiptRecorder}
 * when {@code flotilla.router.receipts.record} says so. Runs on the request's event loop: one JSON string, one Ed25519
 * signature, no I/O.
 */
@Singleton
public class ReceiptIssuer {

    private final ProtocolKeys keys;
    private final ReceiptRecorder recorder;
    private final RouterConfig.Recording recording;
    private final double sampleRate;
    private final Clock clock;

    ReceiptIssuer(ProtocolKeys keys, ReceiptRecorder recorder, RouterConfig config, Clock clock) {
        this.keys = keys;
        this.recorder = recorder;
        this.recording = config.receipts().record();
        this.sampleRate = config.receipts().sampleRate();
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("flotilla.router.receipts.sample-rate must be within 0..1, got " + sampleRate);
        }
        this.clock = clock;
    }

    /** The receipt of {@code draft}'s request as answered by {@code served}. */
    public String issue(ReceiptDraft draft, RouteCandidate served) {
        PolicyFacts policy = served.policyName() == null ? null : draft.policies().get(served.policyName());
        List<String> allowed = draft.allowed() != null ? draft.allowed()
                : policy != null ? policy.jurisdictions() : List.of();
        ReceiptClaims claims = new ReceiptClaims(draft.requestId(), clock.millis(), draft.tenant(), draft.model(),
                served.policyName(), policy == null ? 0 : policy.revision(), served.clusterId(), served.jurisdiction(),
                allowed, draft.bodySha256());
        String receipt = keys.receiptSigner().sign(claims);
        recorder.count(claims);
        if (recorded()) {
            recorder.offer(claims, receipt);
        }
        return receipt;
    }

    private boolean recorded() {
        return switch (recording) {
            case ALL -> true;
            case NONE -> false;
            case SAMPLED -> ThreadLocalRandom.current().nextDouble() < sampleRate;
        };
    }
}
