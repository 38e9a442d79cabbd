-- Disk cost of finished jobs, for docs/api-job-actions.md (retention). Run on an empty database
-- migrated by db/migrations/*.sql:
--   psql -v n=100000 -f tools/bench-src/job-disk/fill.sql <database>
-- Inserts n COMPLETED jobs, each with one execution and two task updates (RUNNING, FINISHED) of
-- the sizes a real run writes, then prints what each table (indexes and TOAST included) takes.
\set ON_ERROR_STOP on
INSERT INTO job (name, command, cpus, mem, disk, status, num_exes, started_at, ended_at, epoch)
SELECT 'render-tile-' || g, 'scale-render --tile ' || g || ' --out s3://bucket/tiles/' || g,
       1, 512, 100, 'COMPLETED', 1, now() - interval '1 hour', now(), 1
FROM generate_series(1, :n) g;
INSERT INTO job_exe (job_id, exe_num, task_id, agent_id, node_id, state, epoch, launch_epoch,
                     cpus, mem, disk, started_at, ended_at, last_update_at)
SELECT id, 1, 'scale_job_' || id || '_1', 'c0a8a1f2-7d1e-4b6a-9c3e-5f1d2a3b4c5d-S' || (id % 50),
       NULL, 'FINISHED', 1, 1, 1, 512, 100, now() - interval '1 hour', now(), now()
FROM job;
INSERT INTO task_update (task_id, state, reason, source, message, uuid, agent_id, "timestamp",
                         epoch)
SELECT e.task_id, s.state, NULL, 'SOURCE_EXECUTOR', NULL, gen_random_uuid()::text, e.agent_id,
       now(), 1
FROM job_exe e CROSS JOIN (VALUES ('TASK_RUNNING'), ('TASK_FINISHED')) s(state);
VACUUM ANALYZE job, job_exe, task_update;
SELECT relname AS table, pg_size_pretty(pg_total_relation_size(relname::regclass)) AS total,
       round(pg_total_relation_size(relname::regclass)::numeric / :n) AS bytes_per_job
FROM (VALUES ('job'), ('job_exe'), ('task_update')) t(relname)
UNION ALL
SELECT 'all three', pg_size_pretty(sum(pg_total_relation_size(relname::regclass))),
       round(sum(pg_total_relation_size(relname::regclass)) / :n)
FROM (VALUES ('job'), ('job_exe'), ('task_update')) t(relname);
