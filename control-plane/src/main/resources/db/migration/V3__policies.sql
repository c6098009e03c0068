-- Fleet policies: every applied version is kept. The current version of a policy is its highest
-- revision that is not deleted; deleting a policy marks all its revisions deleted, and applying it
-- again continues the numbering.
CREATE TABLE policy_revision (
    policy_name VARCHAR(63)     NOT NULL,
    revision    BIGINT          NOT NULL,
    yaml        VARCHAR(1000000) NOT NULL,
    source      VARCHAR(255),
    deleted     BOOLEAN         NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (policy_name, revision)
);

-- The latest placement decision of each current policy (chosen clusters with their reservations,
-- excluded clusters with reasons), as JSON: the next run's input for steadiness and free capacity.
CREATE TABLE policy_placement (
    policy_name   VARCHAR(63)      PRIMARY KEY,
    revision      BIGINT           NOT NULL,
    decision_json VARCHAR(1000000) NOT NULL,
    placed_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row, locked by every placement run so that runs (and revision numbering) serialise across
-- control-plane replicas.
CREATE TABLE placement_lock (
    id INTEGER PRIMARY KEY
);
INSERT INTO placement_lock (id) VALUES (1);
