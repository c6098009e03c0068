package io.flotilla.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
    void nvidiaSmiCsvWithHeaderAndUnitsReadsColumnsByNameAndTotalsMemoryFromItsParts() {
        // captured on a Tesla P100 with --format=csv,nounits: the header keeps its units, fan.speed is [N/A]
        List<GpuSample> gpus = NvidiaSmiCsv.parse(fixture("nvidia-smi-tesla-p100.csv"));

        assertThat(gpus).singleElement().satisfies(gpu -> {
            assertThat(gpu.getIndex()).isZero();
            assertThat(gpu.getUuid()).isEqualTo("GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6");
            assertThat(gpu.getModel()).isEqualTo("Tesla P100-PCIE-16GB");
            assertThat(gpu.getUtilizationPercent()).isZero();
            assertThat(gpu.getMemoryUsedMib()).isZero();
            assertThat(gpu.getMemoryTotalMib()).isEqualTo(103 + 0 + 16280);
            assertThat(gpu.getTemperatureCelsius()).isEqualTo(37.0);
            assertThat(gpu.getPowerWatts()).isEqualTo(28.16, within(1e-9));
        });
    }

    @Test
    void nvidiaSmiCsvWithoutHeaderFollowsTheQueryOrderAndLeavesBareNaUnset() {
        String query = "power.limit,power.min_limit,power.max_limit,memory.total,vbios_version,driver_version,name,"
                + "gpu_uuid,power.draw,temperature.gpu,temperature.memory,clocks.current.graphics,clocks.sm,clocks.mem,"
                + "utilization.gpu,utilization.memory,fan.speed,pcie.link.width.current,pstate";

        List<GpuSample> gpus = NvidiaSmiCsv.parse(fixture("nvidia-smi-rtx2080-noheader.csv"), query);

        assertThat(gpus).singleElement().satisfies(gpu -> {
            assertThat(gpu.getIndex()).isZero();
            assertThat(gpu.getUuid()).isEqualTo("GPU-22b2c6ac-2d49-4863-197c-9c469071178a");
            assertThat(gpu.getModel()).isEqualTo("GeForce RTX 2080");
            assertThat(gpu.getUtilizationPercent()).isEqualTo(86.0);
            assertThat(gpu.getMemoryTotalMib()).isEqualTo(7979);
            assertThat(gpu.getMemoryUsedMib()).isZero();
            assertThat(gpu.getTemperatureCelsius()).isEqualTo(45.0);
            assertThat(gpu.getPowerWatts()).isEqualTo(176.98, within(1e-9));
        });
        // the same line read as the agent's own query does not fit its columns and is skipped
        assertThat(NvidiaSmiCsv.parse(fixture("nvidia-smi-rtx2080-noheader.csv"))).isEmpty();
    }

    @Test
    void nvidiaSmiCsvInTheAgentsQueryOrderLeavesUnsupportedFieldsUnset() {
        List<GpuSample> gpus = NvidiaSmiCsv.parse(
                "0, GPU-1, NVIDIA L4, 12, 20480, 23034, 48, [Not Supported]\n1, GPU-2, NVIDIA L4, [N/A], 0, 23034, 31, 27.5\n");

        assertThat(gpus).extracting(GpuSample::getIndex).containsExactly(0, 1);
        assertThat(gpus.get(0).getPowerWatts()).isZero();
        assertThat(gpus.get(0).getMemoryTotalMib()).isEqualTo(23034);
        assertThat(gpus.get(1).getUtilizationPercent()).isZero();
        assertThat(gpus.get(1).getPowerWatts()).isEqualTo(27.5);
    }

    @Test
    void nvidiaSmiCsvSkipsGarbageLines() {
        assertThat(NvidiaSmiCsv.parse("NVIDIA-SMI has failed because it couldn't communicate with the driver\n\n"))
                .isEmpty();
    }

    @Test
    void dcgmExporterMetricsGroupByUuidAndSkipSeriesWithoutAGpu() {
        List<GpuSample> gpus = DcgmMetrics.gpus(PrometheusText.parse(fixture("dcgm-exporter-datadog.txt")));

        // two T4s from two hosts share gpu="0"; the A10G exports only a profiling ratio; label-less series are skipped
        assertThat(gpus).extracting(GpuSample::getUuid).containsExactly(
                "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e", "GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5");
        GpuSample t4 = gpus.get(0);
        assertThat(t4.getIndex()).isZero();
        assertThat(t4.getModel()).isEqualTo("Tesla T4");
        assertThat(t4.getUtilizationPercent()).isZero();
        assertThat(t4.getTemperatureCelsius()).isEqualTo(25.0);
        assertThat(t4.getPowerWatts()).isEqualTo(8.969, within(1e-9));
        assertThat(t4.getMemoryUsedMib()).isZero();
        assertThat(t4.getMemoryTotalMib()).isEqualTo(15109);
        // where DCGM_FI_DEV_FB_TOTAL is exported it is the total, whatever the reserved figure says
        assertThat(gpus.get(1).getMemoryTotalMib()).isEqualTo(15109);
        assertThat(gpus.get(1).getTemperatureCelsius()).isZero();
    }

    @Test
    void sglangMetricsGiveQueueRunningAndTokenUsage() {
        InferenceLoad load = ModelServerMetrics.load("chat", PrometheusText.parse(fixture("sglang-metrics.txt")));
        assertThat(load.getRequestsWaiting()).isEqualTo(7.0);
        assertThat(load.getRequestsRunning()).isEqualTo(12.0);
        assertThat(load.getKvCacheUsage()).isEqualTo(0.83);
    }

    @Test
    void tgiMetricsGiveQueueAndBatchSizeAndNoCacheGauge() {
        InferenceLoad load = ModelServerMetrics.load("chat", PrometheusText.parse(fixture("tgi-metrics.txt")));
        assertThat(load.getRequestsWaiting()).isEqualTo(4.0);
        assertThat(load.getRequestsRunning()).isEqualTo(16.0);
        assertThat(load.getKvCacheUsage()).isZero();
    }

    @Test
    void vllmWaitingRequestsAreSummedOverEngines() {
        InferenceLoad load = ModelServerMetrics.load("chat", PrometheusText.parse(
                "vllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} 3\n"
                        + "vllm:num_requests_waiting{engine=\"1\",model_name=\"m\"} 2\n"
                        + "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.9\n"));
        assertThat(load.getRequestsWaiting()).isEqualTo(5.0);
        assertThat(load.getKvCacheUsage()).isEqualTo(0.9);
    }

    @Test
    void vllmMetricsGiveQueueDepthAndKvCacheUseFromCapturedOutput() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(fixture("vllm-metrics-datadog.txt"));
        InferenceLoad load = ModelServerMetrics.load("chat", samples);

        assertThat(load.getWorkload()).isEqualTo("chat");
        assertThat(load.getRequestsRunning()).isZero();
        assertThat(load.getRequestsWaiting()).isZero();
        assertThat(load.getKvCacheUsage()).isZero();
        // this capture carries both the old and the renamed KV-cache gauge, and counters in exponent notation
        assertThat(samples).extracting(PrometheusText.Sample::name)
                .contains("vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc");
        assertThat(samples).filteredOn(s -> s.name().equals("process_virtual_memory_bytes")).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(6.634254336e9));
        assertThat(samples).filteredOn(s -> s.name().equals("vllm:prompt_tokens_by_source_total"))
                .extracting(s -> s.label("source"), PrometheusText.Sample::value)
                .containsExactly(tuple("local_compute", 53.0), tuple("local_cache_hit", 64.0),
                        tuple("external_kv_transfer", 0.0));
    }

    @Test
    void vllmRenamedKvCacheMetricIsReadToo() {
        InferenceLoad load = ModelServerMetrics.load("chat", PrometheusText.parse(
                "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25\n"
                        + "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 1\n"
                        + "vllm:num_requests_running{engine=\"1\",model_name=\"m\"} 2\n"));

        assertThat(load.getKvCacheUsage()).isEqualTo(0.25);
        assertThat(load.getRequestsRunning()).isEqualTo(3.0);
    }

    @Test
    void prometheusParserHandlesEscapesInfinityTimestampsExemplarsAndSkipsBrokenLines() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP x help
                a{path="C:\\\\dir",msg="say \\"hi\\""} 1.5 1712345678000
                b +Inf
                c{unterminated="oops} 1
                d not-a-number
                f_bucket{le="0.5"} 3 # {trace_id="KOO5S4vxi0o"} 0.67
                e 2
                """);

        assertThat(samples).extracting(PrometheusText.Sample::name).containsExactly("a", "b", "f_bucket", "e");
        assertThat(samples.get(2).value()).isEqualTo(3.0);
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
