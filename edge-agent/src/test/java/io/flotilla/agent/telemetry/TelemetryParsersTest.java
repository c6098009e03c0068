package io.flotilla.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.InferenceLoad;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryParsersTest {

    static String fixture(String name) {
        try (InputStream in = TelemetryParsersTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nvidiaSmiCsvGivesOneSamplePerGpuAndLeavesUnsupportedFieldsUnset() {
        List<GpuSample> gpus = NvidiaSmiCsv.parse(fixture("nvidia-smi.csv"));

        assertThat(gpus).hasSize(3);
        GpuSample first = gpus.get(0);
        assertThat(first.getIndex()).isZero();
        assertThat(first.getUuid()).isEqualTo("GPU-5f3c1f7e-2b9a-4c1d-9e8f-0a1b2c3d4e5f");
        assertThat(first.getModel()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(first.getUtilizationPercent()).isEqualTo(87.0);
        assertThat(first.getMemoryUsedMib()).isEqualTo(71234);
        assertThat(first.getMemoryTotalMib()).isEqualTo(81559);
        assertThat(first.getTemperatureCelsius()).isEqualTo(64.0);
        assertThat(first.getPowerWatts()).isEqualTo(512.35, within(1e-9));
        assertThat(gpus.get(2).getModel()).isEqualTo("NVIDIA L4");
        assertThat(gpus.get(2).getPowerWatts()).isZero();
        assertThat(gpus.get(2).getMemoryUsedMib()).isEqualTo(20480);
    }

    @Test
    void nvidiaSmiCsvSkipsGarbageLines() {
        assertThat(NvidiaSmiCsv.parse("NVIDIA-SMI has failed because it couldn't communicate with the driver\n\n"))
                .isEmpty();
    }

    @Test
    void dcgmExporterMetricsGroupByGpuWithTotalMemoryFromUsedPlusFree() {
        List<GpuSample> gpus = DcgmMetrics.gpus(PrometheusText.parse(fixture("dcgm-exporter.txt")));

        assertThat(gpus).extracting(GpuSample::getIndex).containsExactly(0, 1);
        GpuSample busy = gpus.get(0);
        assertThat(busy.getUuid()).isEqualTo("GPU-5f3c1f7e-2b9a-4c1d-9e8f-0a1b2c3d4e5f");
        assertThat(busy.getModel()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(busy.getUtilizationPercent()).isEqualTo(87.0);
        assertThat(busy.getMemoryUsedMib()).isEqualTo(71234);
        assertThat(busy.getMemoryTotalMib()).isEqualTo(71234 + 9753);
        assertThat(busy.getTemperatureCelsius()).isEqualTo(64.0);
        assertThat(busy.getPowerWatts()).isEqualTo(512.35, within(1e-9));
        assertThat(gpus.get(1).getUtilizationPercent()).isZero();
    }

    @Test
    void vllmMetricsGiveQueueDepthAndKvCacheUse() {
        InferenceLoad load = VllmMetrics.load("chat", PrometheusText.parse(fixture("vllm-metrics.txt")));

        assertThat(load.getWorkload()).isEqualTo("chat");
        assertThat(load.getRequestsRunning()).isEqualTo(3.0);
        assertThat(load.getRequestsWaiting()).isEqualTo(5.0);
        assertThat(load.getKvCacheUsage()).isEqualTo(0.4213, within(1e-9));
    }

    @Test
    void vllmRenamedKvCacheMetricIsReadToo() {
        InferenceLoad load = VllmMetrics.load("chat", PrometheusText.parse(
                "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25\n"
                        + "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 1\n"
                        + "vllm:num_requests_running{engine=\"1\",model_name=\"m\"} 2\n"));

        assertThat(load.getKvCacheUsage()).isEqualTo(0.25);
        assertThat(load.getRequestsRunning()).isEqualTo(3.0);
    }

    @Test
    void prometheusParserHandlesEscapesInfinityTimestampsAndSkipsBrokenLines() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP x help
                a{path="C:\\\\dir",msg="say \\"hi\\""} 1.5 1712345678000
                b +Inf
                c{unterminated="oops} 1
                d not-a-number
                e 2
                """);

        assertThat(samples).extracting(PrometheusText.Sample::name).containsExactly("a", "b", "e");
        assertThat(samples.get(0).label("path")).isEqualTo("C:\\dir");
        assertThat(samples.get(0).label("msg")).isEqualTo("say \"hi\"");
        assertThat(samples.get(0).value()).isEqualTo(1.5);
        assertThat(samples.get(1).value()).isInfinite();
    }

    @Test
    void procStatGivesCpuCountAndBusyShareOfTime() {
        ProcFiles.CpuTimes times = ProcFiles.cpuTimes(fixture("proc-stat.txt"));

        assertThat(times.cpus()).isEqualTo(2);
        assertThat(times.total()).isGreaterThan(times.busy()).isPositive();
        ProcFiles.CpuTimes earlier = ProcFiles.cpuTimes("cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1\ncpu1 1\n");
        ProcFiles.CpuTimes later = ProcFiles.cpuTimes("cpu  250 0 150 900 0 0 0 0 0 0\ncpu0 1\ncpu1 1\n");
        // 200 busy ticks of 300: two thirds of two CPUs
        assertThat(later.usedCoresSince(earlier)).isEqualTo(4.0 / 3, within(1e-9));
    }

    @Test
    void memInfoGivesTotalAndUsedFromAvailable() {
        ProcFiles.Memory memory = ProcFiles.memInfo(fixture("proc-meminfo.txt"));

        assertThat(memory.totalBytes()).isPositive();
        assertThat(memory.usedBytes()).isPositive().isLessThan(memory.totalBytes());
        ProcFiles.Memory small = ProcFiles.memInfo("MemTotal:  1000 kB\nMemFree: 100 kB\nMemAvailable:  400 kB\n");
        assertThat(small.usedBytes()).isEqualTo(600 * 1024);
    }

    @Test
    void cgroupV2FilesParse() {
        assertThat(ProcFiles.cgroupCpuUsageMicros(fixture("cgroup-cpu.stat"))).isEqualTo(2843718000L);
        assertThat(ProcFiles.cgroupBytes("max\n")).isEmpty();
        assertThat(ProcFiles.cgroupBytes("8589934592\n")).hasValue(8589934592L);
    }
}
