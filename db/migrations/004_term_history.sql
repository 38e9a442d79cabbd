-- 004: the history of terms the status document shows (cluster.terms): when each term ended, why,
-- and how long each step of its promotion took.
ALTER TABLE leadership_term ADD COLUMN ended_at timestamptz;
ALTER TABLE leadership_term ADD COLUMN end_reason text;
-- [{"name": "fenced", "ms": 12}, ...]: milliseconds since the term was won in ZooKeeper, in the
-- order the steps completed.
ALTER TABLE leadership_term ADD COLUMN steps jsonb NOT NULL DEFAULT '[]';
