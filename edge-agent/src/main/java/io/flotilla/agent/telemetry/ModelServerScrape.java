package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.InferenceWorkload;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Scrapes the model server of each desired workload for its load ({@link ModelServerMetrics}), for the telemetry
 * report and the frequent load report alike. A server that does not answer is left out and logged at debug.
 */
public final class ModelServerScrape {

    private static final System.Logger LOG = System.getLogger(ModelServerScrape.class.getName());

    private final Supplier<Optional<DesiredState>> desired;
    private final Function<InferenceWorkload, Optional<URI>> metricsUrl;
    private final HttpClient http;

    /** @param metricsUrl the metrics URL of a workload's model server, empty when it has none to scrape */
    public ModelServerScrape(Supplier<Optional<DesiredState>> desired, Function<InferenceWorkload, Optional<URI>> metricsUrl,
            HttpClient http) {
        this.desired = desired;
        this.metricsUrl = metricsUrl;
        this.http = http;
    }

    public List<InferenceLoad> loads() {
        List<InferenceLoad> loads = new ArrayList<>();
        desired.get().ifPresent(state -> {
            for (InferenceWorkload w : state.getWorkloadsList()) {
                metricsUrl.apply(w).ifPresent(uri -> {
                    try {
                        loads.add(ModelServerMetrics.load(w.getName(), PrometheusText.parse(GpuSampler.MetricsScrape.get(http, uri))));
                    } catch (RuntimeException e) {
                        LOG.log(Level.DEBUG, "model server metrics of {0} failed: {1}", w.getName(), e.getMessage());
                    }
                });
            }
        });
        return loads;
    }
}
