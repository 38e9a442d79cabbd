-- 003: what the failover drill audits, and the per-node execution counts of the status document.

-- The term that wrote the execution (job_exe.epoch follows later updates): with
-- leadership_term.elected_at it shows whether a launch was committed by a stale term. Nullable so
-- a replica of the previous version can still launch during a rolling upgrade (the audit then
-- falls back to epoch).
ALTER TABLE job_exe ADD COLUMN launch_epoch bigint;
UPDATE job_exe SET launch_epoch = epoch;

-- Recently finished executions per node for /v6/status/ without scanning the whole table.
CREATE INDEX job_exe_ended_idx ON job_exe (ended_at) WHERE ended_at IS NOT NULL;
