-- Flotilla control-plane schema v1. Portable between PostgreSQL and H2 (the embedded default).

CREATE TABLE cluster (
    id                 VARCHAR(63)  PRIMARY KEY,
    jurisdiction       VARCHAR(16)  NOT NULL,
    latitude           DOUBLE PRECISION,
    longitude          DOUBLE PRECISION,
    desired_generation BIGINT       NOT NULL DEFAULT 0,
    applied_generation BIGINT       NOT NULL DEFAULT 0,
    apply_error        VARCHAR(2000),
    paused             BOOLEAN      NOT NULL DEFAULT FALSE,
    online             BOOLEAN      NOT NULL DEFAULT FALSE,
    agent_version      VARCHAR(64),
    last_status_at     TIMESTAMP WITH TIME ZONE,
    last_presence_at   TIMESTAMP WITH TIME ZONE,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE cluster_label (
    cluster_id VARCHAR(63)  NOT NULL REFERENCES cluster (id) ON DELETE CASCADE,
    label_key  VARCHAR(317) NOT NULL,
    label_value VARCHAR(63) NOT NULL,
    PRIMARY KEY (cluster_id, label_key)
);

-- Workloads given to a cluster directly through the API (policies compile into the same shape).
CREATE TABLE cluster_workload (
    cluster_id VARCHAR(63)    NOT NULL REFERENCES cluster (id) ON DELETE CASCADE,
    name       VARCHAR(63)    NOT NULL,
    spec_json  VARCHAR(65535) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (cluster_id, name)
);

-- What the cluster's agent last reported for each workload.
CREATE TABLE workload_status (
    cluster_id       VARCHAR(63)  NOT NULL REFERENCES cluster (id) ON DELETE CASCADE,
    name             VARCHAR(63)  NOT NULL,
    condition        VARCHAR(16)  NOT NULL,
    reason           VARCHAR(200),
    message          VARCHAR(2000),
    ready_replicas   INTEGER      NOT NULL,
    desired_replicas INTEGER      NOT NULL,
    endpoint         VARCHAR(500),
    PRIMARY KEY (cluster_id, name)
);

-- Transactional outbox of signed desired state: one row per cluster holding its newest
-- generation. Written in the transaction that bumps the generation, drained to the broker.
CREATE TABLE desired_outbox (
    cluster_id   VARCHAR(63) PRIMARY KEY REFERENCES cluster (id) ON DELETE CASCADE,
    generation   BIGINT      NOT NULL,
    payload      BYTEA       NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE,
    attempts     INTEGER     NOT NULL DEFAULT 0
);

CREATE INDEX desired_outbox_pending ON desired_outbox (published_at, created_at);
