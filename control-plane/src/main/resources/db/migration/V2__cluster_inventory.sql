-- What placement needs to know about a cluster beyond V1: its capacity and taints, given at
-- registration. Both are small documents read as a whole, so they are stored as JSON text.
ALTER TABLE cluster ADD COLUMN capacity_json VARCHAR(65535);
ALTER TABLE cluster ADD COLUMN taints_json VARCHAR(65535);

-- Which policy placed a workload on a cluster; NULL for workloads given directly through the API,
-- which placement never touches.
ALTER TABLE cluster_workload ADD COLUMN policy_name VARCHAR(63);
