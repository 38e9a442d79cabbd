-- 001: the settings row, the leader's status document, the leadership fence and the Mesos framework.
-- Single-row tables carry id = 1 with CHECK (id = 1) so a second row can never appear.
-- Leader-owned tables carry `epoch`, the term of the writer, stamped inside a fenced transaction.

-- Scale's settings row: a user intent that any replica may write.
CREATE TABLE scheduler (
  id integer PRIMARY KEY CHECK (id = 1),
  is_paused boolean NOT NULL DEFAULT false,
  num_message_handlers integer NOT NULL DEFAULT 1 CHECK (num_message_handlers >= 0),
  system_logging_level text NOT NULL DEFAULT 'INFO'
    CHECK (system_logging_level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
  queue_mode text NOT NULL DEFAULT 'FIFO' CHECK (queue_mode IN ('FIFO', 'LIFO')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO scheduler (id) VALUES (1);

-- The leader's last status document, served by every replica (leader-owned).
CREATE TABLE scheduler_status (
  id integer PRIMARY KEY CHECK (id = 1),
  status json NOT NULL,  -- json, not jsonb: served verbatim, in the leader's key order
  epoch bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The PostgreSQL fence: the epoch of the term allowed to write leader-owned rows. Epoch 0 means no
-- term has been promoted yet.
CREATE TABLE leadership (
  id integer PRIMARY KEY CHECK (id = 1),
  epoch bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0),
  replica_id text NOT NULL DEFAULT '',
  api_url text NOT NULL DEFAULT '',
  elected_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO leadership (id) VALUES (1);

-- Every successful promotion, for drills and post-mortems: which replica led which term, and when.
CREATE TABLE leadership_term (
  epoch bigint PRIMARY KEY,
  replica_id text NOT NULL,
  api_url text NOT NULL,
  elected_at timestamptz NOT NULL DEFAULT now()
);

-- The Mesos framework id, reused by every term so a failover keeps the running tasks (leader-owned).
CREATE TABLE framework (
  id integer PRIMARY KEY CHECK (id = 1),
  framework_id text NOT NULL CHECK (framework_id <> ''),
  master text NOT NULL DEFAULT '',
  epoch bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
