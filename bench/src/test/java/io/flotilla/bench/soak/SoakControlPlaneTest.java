package io.flotilla.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SoakControlPlaneTest {

    @Test
    void heapInUseIsReadFromGcHeapInfoOfG1AndOfTheSerialCollector() {
        assertThat(SoakControlPlane.heapUsed("""
                12345:
                Command executed successfully
                garbage-first heap   total reserved 262144K, committed 14336K, used 2913K [0x00000000f0000000, 0x0000000100000000)
                 region size 1024K, 0 young (0K), 0 survivors (0K)
                 Metaspace       used 6000K, committed 6144K, reserved 1114112K
                  class space    used 500K, committed 576K, reserved 1048576K
                """)).hasValue(2913L * 1024);
        assertThat(SoakControlPlane.heapUsed("""
                 def new generation   total 4928K, used 1024K [0x00000000f0000000, 0x00000000f0550000, 0x00000000f5000000)
                  eden space 4416K,  23% used [0x00000000f0000000, 0x00000000f0100000, 0x00000000f0450000)
                 tenured generation   total 10944K, used 2048K [0x00000000f5000000, 0x00000000f5ab0000, 0x0000000100000000)
                 Metaspace       used 6000K, committed 6144K, reserved 1114112K
                """)).hasValue(3072L * 1024);
        assertThat(SoakControlPlane.heapUsed("12345:\nCould not attach\n")).isEmpty();
    }

    @Test
    void metricsAreSummedOverTheirLabelsOrThoseChosen() {
        String metrics = """
                # TYPE flotilla_telemetry_reports_total counter
                flotilla_telemetry_reports_total 1234.0
                flotilla_telemetry_reports_dropped_total 2.0
                flotilla_mqtt_rejected_total{kind="telemetry",reason="REPLAYED"} 3.0
                flotilla_mqtt_rejected_total{kind="status",reason="REPLAYED"} 5.0
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3.0E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
                """;
        assertThat(SoakControlPlane.sum(metrics, "flotilla_telemetry_reports_total", null)).isEqualTo(1234.0);
        assertThat(SoakControlPlane.sum(metrics, "flotilla_telemetry_reports_dropped_total", null)).isEqualTo(2.0);
        assertThat(SoakControlPlane.sum(metrics, "flotilla_mqtt_rejected_total", "kind=\"telemetry\"")).isEqualTo(3.0);
        assertThat(SoakControlPlane.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(4.0E7);
        assertThat(SoakControlPlane.sum(metrics, "flotilla_telemetry", null)).isZero();
    }
}
