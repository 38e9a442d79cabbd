-- 005: what a Scale job is beyond its command: the task spec (container, arguments, environment,
-- fetcher URIs, user, labels), its runtime limit and its kill grace period.

-- The spec as the API validated it, in the canonical JSON of db/task_spec.h. Stored whole: the
-- leader only ever copies it into the TaskInfo, and no query filters on its parts.
ALTER TABLE job ADD COLUMN task_spec jsonb NOT NULL DEFAULT '{}'::jsonb
  CHECK (jsonb_typeof(task_spec) = 'object');
-- Maximum runtime from TASK_RUNNING; NULL: none. Columns, not spec fields: the leader's deadline
-- sweep reads them in SQL.
ALTER TABLE job ADD COLUMN timeout_s double precision CHECK (timeout_s > 0);
-- KillPolicy.grace_period of the task and of every KILL the leader sends; NULL: the executor's
-- default (3 s for a command task).
ALTER TABLE job ADD COLUMN kill_grace_s double precision CHECK (kill_grace_s >= 0);

-- A job with a container image may leave the command out: the image's entrypoint runs.
ALTER TABLE job DROP CONSTRAINT job_command_check;
ALTER TABLE job ADD CONSTRAINT job_command_or_image
  CHECK (command <> '' OR task_spec ? 'container');
