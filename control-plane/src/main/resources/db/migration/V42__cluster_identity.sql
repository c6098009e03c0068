-- Enrollment becomes a one-time bootstrap token that the agent exchanges, with its own public key, for broker
-- credentials. Rows from before have a broker credential but no agent key: those agents must be enrolled again.
ALTER TABLE cluster_enrollment ADD COLUMN bootstrap_token_hash VARCHAR(64);
ALTER TABLE cluster_enrollment ADD COLUMN token_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE cluster_enrollment ADD COLUMN token_spent_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE cluster_enrollment ADD COLUMN agent_public_key VARCHAR(64);
ALTER TABLE cluster_enrollment ALTER COLUMN credential_hash DROP NOT NULL;
CREATE UNIQUE INDEX cluster_enrollment_token ON cluster_enrollment (bootstrap_token_hash);
CREATE INDEX cluster_enrollment_active ON cluster_enrollment (cluster_id, token_spent_at);
