-- 002: jobs, their executions, the Mesos agents (nodes), the task update log and the cluster's
-- total resources (DESIGN.md section 4).
-- User intents (submit, cancel, node pause) may be written by any replica: the NOTIFY triggers
-- below wake the leader, whichever replica wrote. Leader-owned changes carry the term's `epoch`.

-- Mesos agents the leader has seen. Pausing is a user intent; the rest is the leader's.
CREATE TABLE node (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL UNIQUE CHECK (agent_id <> ''),
  hostname text NOT NULL DEFAULT '',
  is_active boolean NOT NULL DEFAULT true,
  is_paused boolean NOT NULL DEFAULT false,
  pause_reason text,  -- NULL while not paused, as in Scale
  cpus double precision NOT NULL DEFAULT 0 CHECK (cpus >= 0),
  mem double precision NOT NULL DEFAULT 0 CHECK (mem >= 0),  -- MiB, as Mesos
  disk double precision NOT NULL DEFAULT 0 CHECK (disk >= 0),  -- MiB
  gpus double precision NOT NULL DEFAULT 0 CHECK (gpus >= 0),
  last_offer_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_modified timestamptz NOT NULL DEFAULT now(),
  epoch bigint  -- term of the leader's last write; NULL until the leader writes the row
);

CREATE TABLE job (
  id bigserial PRIMARY KEY,
  name text NOT NULL CHECK (name <> ''),
  command text NOT NULL CHECK (command <> ''),
  cpus double precision NOT NULL DEFAULT 0 CHECK (cpus >= 0),
  mem double precision NOT NULL DEFAULT 0 CHECK (mem >= 0),
  disk double precision NOT NULL DEFAULT 0 CHECK (disk >= 0),
  gpus double precision NOT NULL DEFAULT 0 CHECK (gpus >= 0),
  priority integer NOT NULL DEFAULT 100,  -- lower runs first (Scale)
  status text NOT NULL DEFAULT 'QUEUED'
    CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED')),
  max_tries integer NOT NULL DEFAULT 3 CHECK (max_tries >= 1),
  num_exes integer NOT NULL DEFAULT 0 CHECK (num_exes >= 0),
  queued_at timestamptz DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_modified timestamptz NOT NULL DEFAULT now(),
  error text,
  cancel_requested boolean NOT NULL DEFAULT false,
  epoch bigint,  -- term of the leader's last write; NULL for rows only users have written
  -- A task with neither cpus nor memory would be accepted by every offer and never constrained.
  CHECK (cpus > 0 OR mem > 0)
);
-- The leader's queue at promotion: queued jobs in priority, then queued-time order.
CREATE INDEX job_queued_order_idx ON job (priority, queued_at, id) WHERE status = 'QUEUED';
-- GET /v6/jobs/?status=...: newest first within a status.
CREATE INDEX job_status_idx ON job (status, id);

-- One launch of a job. Inserted (LAUNCHING) by the leader in a fenced transaction before ACCEPT.
-- State names are Mesos TaskState names without the TASK_ prefix, plus LAUNCHING.
CREATE TABLE job_exe (
  id bigserial PRIMARY KEY,
  job_id bigint NOT NULL REFERENCES job (id),
  exe_num integer NOT NULL CHECK (exe_num >= 1),
  task_id text NOT NULL UNIQUE,
  agent_id text NOT NULL,
  node_id bigint REFERENCES node (id),
  state text NOT NULL DEFAULT 'LAUNCHING'
    CHECK (state IN ('LAUNCHING', 'STAGING', 'STARTING', 'RUNNING', 'KILLING', 'FINISHED',
                     'FAILED', 'KILLED', 'ERROR', 'LOST', 'DROPPED', 'UNREACHABLE', 'GONE',
                     'GONE_BY_OPERATOR', 'UNKNOWN')),
  epoch bigint NOT NULL,
  cpus double precision NOT NULL DEFAULT 0 CHECK (cpus >= 0),
  mem double precision NOT NULL DEFAULT 0 CHECK (mem >= 0),
  disk double precision NOT NULL DEFAULT 0 CHECK (disk >= 0),
  gpus double precision NOT NULL DEFAULT 0 CHECK (gpus >= 0),
  launched_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz,
  last_update_at timestamptz,
  exit_reason text,
  exit_message text,
  -- The unique index also serves lookups by job_id (its leading column): no separate index.
  UNIQUE (job_id, exe_num),
  -- The task id is derived, never chosen: an execution can only ever be launched under one name.
  CHECK (task_id = 'scale_job_' || job_id || '_' || exe_num)
);
-- What the leader loads and reconciles at promotion: every execution not yet terminal.
CREATE INDEX job_exe_active_idx ON job_exe (job_id)
  WHERE state NOT IN ('FINISHED', 'FAILED', 'KILLED', 'ERROR', 'LOST', 'DROPPED', 'GONE',
                      'GONE_BY_OPERATOR');

-- Append-only log of every status update the leader stored (leader-owned).
CREATE TABLE task_update (
  id bigserial PRIMARY KEY,
  task_id text NOT NULL,
  state text NOT NULL,
  reason text,
  source text,
  message text,
  uuid text,  -- NULL for updates Mesos does not want acknowledged (e.g. reconciliation answers)
  agent_id text,
  "timestamp" timestamptz,  -- when Mesos says the update happened
  received_at timestamptz NOT NULL DEFAULT now(),
  epoch bigint NOT NULL
);
CREATE INDEX task_update_task_idx ON task_update (task_id, id);
-- A redelivered update (same uuid) can be stored with ON CONFLICT DO NOTHING: stored once.
CREATE UNIQUE INDEX task_update_uuid_idx ON task_update (task_id, uuid) WHERE uuid IS NOT NULL;

-- Total resources of the active agents, kept current by the leader (leader-owned).
CREATE TABLE cluster_resources (
  id integer PRIMARY KEY CHECK (id = 1),
  cpus double precision NOT NULL DEFAULT 0 CHECK (cpus >= 0),
  mem double precision NOT NULL DEFAULT 0 CHECK (mem >= 0),
  disk double precision NOT NULL DEFAULT 0 CHECK (disk >= 0),
  gpus double precision NOT NULL DEFAULT 0 CHECK (gpus >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  epoch bigint NOT NULL DEFAULT 0
);
INSERT INTO cluster_resources (id) VALUES (1);

-- Triggers rather than NOTIFYs in the stores: every writer (API, scripts, bulk loads) wakes the
-- leader, and the NOTIFY is delivered only if the change commits. Payload: the row's id.
CREATE FUNCTION notify_scale_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('scale_jobs', NEW.id::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER job_submitted AFTER INSERT ON job
  FOR EACH ROW EXECUTE FUNCTION notify_scale_jobs();
CREATE TRIGGER job_cancel_requested AFTER UPDATE OF cancel_requested ON job
  FOR EACH ROW WHEN (NEW.cancel_requested AND NOT OLD.cancel_requested)
  EXECUTE FUNCTION notify_scale_jobs();

CREATE FUNCTION notify_scale_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('scale_nodes', NEW.id::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER node_pause_changed AFTER UPDATE OF is_paused ON node
  FOR EACH ROW WHEN (NEW.is_paused IS DISTINCT FROM OLD.is_paused)
  EXECUTE FUNCTION notify_scale_nodes();
