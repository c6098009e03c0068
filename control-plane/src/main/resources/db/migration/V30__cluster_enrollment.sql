-- Cluster enrollments (issue 7): an admin enrolls a cluster, which registers it at once (it shows as
-- unknown until its agent first connects) and hands out the agent's broker credential. Only the
-- credential's SHA-256 is kept; revoked enrollments stay listed with revoked_at set.
CREATE TABLE cluster_enrollment (
    id              VARCHAR(36)  PRIMARY KEY,
    cluster_id      VARCHAR(63)  NOT NULL REFERENCES cluster (id) ON DELETE CASCADE,
    credential_hash VARCHAR(64)  NOT NULL UNIQUE,
    created_by      VARCHAR(100) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE
);

CREATE INDEX cluster_enrollment_cluster ON cluster_enrollment (cluster_id);
