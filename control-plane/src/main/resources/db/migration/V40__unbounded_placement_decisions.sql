-- A policy placed on 10,000 clusters has a decision of about 1.2 MB (one entry per chosen or excluded cluster),
-- more than VARCHAR(1000000) holds: the apply failed with "value too long" at 10,000 simulated clusters.
-- VARCHAR without a length is unbounded on PostgreSQL and the largest VARCHAR on H2.
ALTER TABLE policy_placement ALTER COLUMN decision_json SET DATA TYPE VARCHAR;
