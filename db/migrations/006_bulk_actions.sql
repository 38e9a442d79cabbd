-- 006: bulk job actions (POST /v6/jobs/cancel/ and /v6/jobs/requeue/), priority changes of queued
-- jobs (PATCH /v6/jobs/{id}/) and the index retention deletes finished jobs by.

-- A bulk request is a user intent any replica may write; the leader carries it out in fenced
-- batches and marks it done. Stored, not held in memory, so an accepted request (202) survives a
-- failover: the next leader finishes every row without done_at. NULL filters match every job.
CREATE TABLE job_bulk_action (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('CANCEL', 'REQUEUE')),
  job_ids bigint[],
  status text CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED')),
  started timestamptz,  -- the time range over job.last_modified, as Scale's filters
  ended timestamptz,
  priority integer CHECK (priority >= 0),  -- REQUEUE only: the requeued jobs' new priority
  requested_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  jobs_canceled bigint NOT NULL DEFAULT 0,        -- QUEUED -> CANCELED
  jobs_kill_requested bigint NOT NULL DEFAULT 0,  -- RUNNING -> cancel_requested
  jobs_requeued bigint NOT NULL DEFAULT 0,
  epoch bigint,  -- term of the leader's last batch
  -- At least one filter: a body without any is refused by the API, and nothing else may ask for
  -- "every job in the database" by accident.
  CHECK (job_ids IS NOT NULL OR status IS NOT NULL OR started IS NOT NULL OR ended IS NOT NULL),
  CHECK (kind = 'REQUEUE' OR priority IS NULL)
);
CREATE INDEX job_bulk_action_pending_idx ON job_bulk_action (id) WHERE done_at IS NULL;

CREATE FUNCTION notify_scale_job_actions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('scale_job_actions', NEW.id::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER job_bulk_action_requested AFTER INSERT ON job_bulk_action
  FOR EACH ROW EXECUTE FUNCTION notify_scale_job_actions();

-- The tries of one set, as submitted: a requeue grants another set (max_tries = num_exes +
-- tries_per_set, as Scale). NULL until the first requeue, while max_tries is still that number.
ALTER TABLE job ADD COLUMN tries_per_set integer CHECK (tries_per_set >= 1);

-- A new priority of a queued job re-sorts the leader's in-memory queue.
CREATE TRIGGER job_priority_changed AFTER UPDATE OF priority ON job
  FOR EACH ROW WHEN (NEW.priority IS DISTINCT FROM OLD.priority)
  EXECUTE FUNCTION notify_scale_jobs();

-- Retention: the oldest finished jobs first, without reading the live ones.
CREATE INDEX job_finished_idx ON job (ended_at)
  WHERE status IN ('COMPLETED', 'FAILED', 'CANCELED');
