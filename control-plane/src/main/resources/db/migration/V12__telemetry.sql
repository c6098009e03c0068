-- Telemetry samples (issue 5): one row per device per report. device is 'gpu<index>' for a GPU and 'node'
-- for the cluster's CPU and memory (utilization = CPU use in percent, memory in MiB, queue_depth = requests
-- waiting in its inference servers). Written in batches (COPY on PostgreSQL), deleted after the retention.
CREATE TABLE telemetry_sample (
    cluster_id          VARCHAR(63) NOT NULL,
    device              VARCHAR(16) NOT NULL,
    sampled_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    utilization         DOUBLE PRECISION,
    memory_used_mib     BIGINT,
    memory_total_mib    BIGINT,
    temperature_celsius DOUBLE PRECISION,
    power_watts         DOUBLE PRECISION,
    queue_depth         DOUBLE PRECISION
);

CREATE INDEX telemetry_sample_cluster_at ON telemetry_sample (cluster_id, sampled_at);
CREATE INDEX telemetry_sample_at ON telemetry_sample (sampled_at);

-- One-minute roll-ups per cluster and device, kept longer than the samples.
CREATE TABLE telemetry_rollup (
    cluster_id          VARCHAR(63) NOT NULL,
    device              VARCHAR(16) NOT NULL,
    minute_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    samples             INTEGER     NOT NULL,
    avg_utilization     DOUBLE PRECISION,
    max_utilization     DOUBLE PRECISION,
    avg_memory_used_mib DOUBLE PRECISION,
    max_temperature     DOUBLE PRECISION,
    avg_queue_depth     DOUBLE PRECISION,
    PRIMARY KEY (cluster_id, device, minute_start)
);

CREATE INDEX telemetry_rollup_minute ON telemetry_rollup (minute_start);
