-- Presence and acknowledgement (issue 5).
-- last_telemetry_at: when telemetry last arrived (written in batches by the telemetry writer); with the
-- status and presence times it is the cluster's heartbeat.
-- offline_since: when the cluster was last seen going offline (will message or heartbeat timeout).
-- placement_offline: offline for longer than flotilla.placement.offline-grace, so placement moves its
-- workloads away; cleared when the cluster reports again.
-- unacknowledged: the cluster did not apply its desired generation within flotilla.dispatch.ack-timeout
-- even after a re-publication.
ALTER TABLE cluster ADD COLUMN last_telemetry_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE cluster ADD COLUMN offline_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE cluster ADD COLUMN placement_offline BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cluster ADD COLUMN unacknowledged BOOLEAN NOT NULL DEFAULT FALSE;

-- How often the entry's generation was published again because the cluster did not acknowledge it.
ALTER TABLE desired_outbox ADD COLUMN republications INTEGER NOT NULL DEFAULT 0;
