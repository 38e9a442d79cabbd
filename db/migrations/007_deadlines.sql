-- 007: deadlines the leader enforces on executions, from stored times so a new leader finds them.

-- When the leader found the execution past its job's timeout_s (counted from started_at) and
-- decided to kill it; written before the KILL is sent, so the terminal update that follows is a
-- timeout failure (exit_reason 'timeout'), not a cancel or a plain kill, whichever term gets it.
ALTER TABLE job_exe ADD COLUMN timed_out_at timestamptz;
-- When the master marked the execution's agent unreachable (TASK_UNREACHABLE unreachable_time,
-- else the update's time); NULL once the execution is in any other state. After the leader's
-- --unreachable_timeout_s the execution is ended as LOST, exit_reason 'unreachable_timeout'.
ALTER TABLE job_exe ADD COLUMN unreachable_at timestamptz;

-- The leader's periodic sweeps read only live executions with a start time or an unreachable
-- time: small partial indexes, whatever the history holds.
CREATE INDEX job_exe_started_live_idx ON job_exe (started_at)
  WHERE started_at IS NOT NULL AND timed_out_at IS NULL
    AND state NOT IN ('FINISHED', 'FAILED', 'KILLED', 'ERROR', 'LOST', 'DROPPED', 'GONE',
                      'GONE_BY_OPERATOR', 'UNKNOWN');
CREATE INDEX job_exe_unreachable_idx ON job_exe (unreachable_at) WHERE state = 'UNREACHABLE';
