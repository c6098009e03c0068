package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.GpuSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where per-GPU figures come from. */
public interface GpuSampler {

    List<GpuSample> sample();

    /** No GPUs, or none worth reporting. */
    static GpuSampler none() {
        return List::of;
    }

    /** Runs nvidia-smi with a query and reads its CSV; a hung driver costs at most 5 seconds. */
    static GpuSampler nvidiaSmi(String command) {
        return () -> {
            try {
                Process process = new ProcessBuilder(NvidiaSmiCsv.command(command)).redirectErrorStream(true).start();
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish within 5 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(command + " exited with " + process.exitValue() + ": "
                            + new String(out, StandardCharsets.UTF_8).strip());
                }
                return NvidiaSmiCsv.parse(new String(out, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command, e);
            }
        };
    }

    /** Scrapes a DCGM exporter. */
    static GpuSampler dcgm(HttpClient http, URI metrics) {
        return () -> DcgmMetrics.gpus(PrometheusText.parse(MetricsScrape.get(http, metrics)));
    }

    /** A plain GET of a metrics endpoint, with a short timeout. */
    final class MetricsScrape {
        private MetricsScrape() {
        }

        static String get(HttpClient http, URI uri) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(uri + " answered HTTP " + response.statusCode());
                }
                return response.body();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot scrape " + uri, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scraping " + uri, e);
            }
        }
    }
}
