-- The console's memory charts show use against the total, which the roll-ups did not keep.
ALTER TABLE telemetry_rollup ADD COLUMN max_memory_total_mib BIGINT;
