# PostgreSQL for tools/cluster (sourced by it): node "postgres" (port base+30) and, with
# --pg-standby, node "postgres-2" (port base+31), a streaming standby the primary replicates to
# synchronously (synchronous_standby_names), so every commit a replica was told of is on both.
# Replicas then get a two-host conninfo with target_session_attrs=read-write and find the
# primary on their own. `pg-promote` stops the primary as a crash would (immediate shutdown),
# promotes the standby, and re-bases the old primary as the new synchronous standby: the roles
# swap, and the command can run again.

pg_standby_name=scale_standby # the standby's cluster_name: its walreceiver's application_name

pg_standby_on() { [ "${SCALE_PG_STANDBY:-0}" = 1 ]; }
pg_nodes() { if pg_standby_on; then echo postgres postgres-2; else echo postgres; fi; }
pg_node_port() { if [ "$1" = postgres ]; then pg_port; else echo $((base + 31)); fi; }
pg_other() { if [ "$1" = postgres ]; then echo postgres-2; else echo postgres; fi; }
pg_psql() { # pg_psql NODE ARGS...
  local node="$1"
  shift
  runuser -u postgres -- psql -h 127.0.0.1 -p "$(pg_node_port "$node")" -U postgres -qtAX "$@"
}

# The replicas' --db, as reached from SERVICE_HOST (127.0.0.1, or the host end of a namespace).
pg_conninfo_from() {
  local h="$1"
  if pg_standby_on; then
    echo "host=$h,$h port=$(pg_node_port postgres),$(pg_node_port postgres-2) dbname=scale user=postgres target_session_attrs=read-write connect_timeout=2"
  else
    echo "host=$h port=$(pg_port) dbname=scale user=postgres"
  fi
}

# The replicas' --db_read with --db-read: the standby while there is one, else the primary
# (target_session_attrs=prefer-standby), so reads follow the standby across a pg-promote.
pg_read_conninfo_from() {
  local h="$1"
  pg_standby_on && [ "${SCALE_DB_READ:-0}" = 1 ] || return 0
  echo "host=$h,$h port=$(pg_node_port postgres),$(pg_node_port postgres-2) dbname=scale user=postgres target_session_attrs=prefer-standby connect_timeout=2"
}

pg_prepare_dir() {
  local dir="$run/$1"
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  touch "$run/$1.log"
  chown postgres:postgres "$run/$1.log"
}

# PostgreSQL's defaults (128 MB of shared buffers, a checkpoint every 1 GB of WAL) are sized for a
# small machine. The leader writes ~5.8 KB of WAL per job (tools/bench), so a 1,000,000-job
# backlog would force a checkpoint, and the full-page images after it, every ~170,000 jobs, and
# its tables outgrow 128 MB early. A quarter of the memory (at most 1 GB) and 4 GB of WAL between
# checkpoints, as docs/deployment.md recommends.
pg_tuning() {
  local mem_mb
  mem_mb="$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 1024)"
  local buffers=$((mem_mb / 4))
  [ "$buffers" -le 1024 ] || buffers=1024
  [ "$buffers" -ge 128 ] || buffers=128
  echo "-c shared_buffers=${buffers}MB -c max_wal_size=4GB"
}

pg_start_node() { # pg_start_node NODE [MORE POSTGRES OPTIONS]
  local node="$1" dir="$run/$1"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/data" -l "$run/$node.log" -w \
    -o "-p $(pg_node_port "$node") -c listen_addresses=127.0.0.1 -k $dir $(pg_tuning) ${2:-}" start \
    >"$run/$node-start.log" 2>&1 ||
    die "PostgreSQL ($node) did not start: $(tail -n 5 "$run/$node.log" "$run/$node-start.log" 2>/dev/null | tr "\n" " ")"
  head -n 1 "$dir/data/postmaster.pid" >"$run/$node.pid"
}

start_postgres() {
  local dir="$run/postgres"
  pg_prepare_dir postgres
  [ -f "$dir/data/PG_VERSION" ] ||
    runuser -u postgres -- "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$run/postgres-initdb.log" 2>&1 || die "initdb failed: see $run/postgres-initdb.log"
  pg_start_node postgres
  pg_psql postgres -c "SELECT 1 FROM pg_database WHERE datname='scale'" | grep -q 1 ||
    pg_psql postgres -c "CREATE DATABASE scale" >/dev/null
  if pg_standby_on; then start_pg_standby postgres-2 postgres; fi
}

pg_sync_standby_streaming() { # pg_sync_standby_streaming PRIMARY
  [ "$(pg_psql "$1" -c "SELECT sync_state FROM pg_stat_replication
        WHERE application_name = '$pg_standby_name' AND state = 'streaming'")" = sync ]
}

# start_pg_standby STANDBY PRIMARY: a fresh base backup of PRIMARY in STANDBY's directory, started
# as a hot standby, then made PRIMARY's synchronous standby.
start_pg_standby() {
  local node="$1" primary="$2" dir="$run/$1"
  pg_prepare_dir "$node"
  rm -rf "$dir/data"
  runuser -u postgres -- "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$(pg_node_port "$primary")" \
    -U postgres -D "$dir/data" -X stream -c fast -R >"$run/$node-basebackup.log" 2>&1 ||
    die "pg_basebackup of $primary failed: $(tail -n 5 "$run/$node-basebackup.log" | tr "\n" " ")"
  pg_start_node "$node" "-c cluster_name=$pg_standby_name -c hot_standby=on"
  pg_psql "$primary" -c "ALTER SYSTEM SET synchronous_standby_names = '$pg_standby_name'" \
    -c "SELECT pg_reload_conf()" >/dev/null
  wait_for "$node streaming synchronously from $primary" 30 pg_sync_standby_streaming "$primary"
}

pg_primary_node() {
  local node
  for node in $(pg_nodes); do
    [ "$(pg_psql "$node" -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && { echo "$node"; return 0; }
  done
  return 1
}

# Restarts the primary (node "postgres" unless a pg-promote made it the other one); prints it.
restart_postgres() {
  local node data
  node="$(pg_primary_node 2>/dev/null || echo postgres)"
  data="$run/$node/data"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$data" -l "$run/$node.log" -m fast -w restart \
    >"$run/$node-start.log" 2>&1 ||
    die "PostgreSQL did not restart: $(tail -n 5 "$run/$node.log" "$run/$node-start.log" 2>/dev/null | tr "\n" " ")"
  head -n 1 "$data/postmaster.pid" >"$run/$node.pid"
  echo "$node"
}

ms_now() { date +%s%3N; }

cmd_pg_promote() {
  [ -f "$run/replicas" ] || die "no cluster is up in $run"
  pg_standby_on || die "pg-promote needs a standby: tools/cluster up --pg-standby"
  local primary standby t0 t1
  primary="$(pg_primary_node)" || die "no PostgreSQL node accepts writes"
  standby="$(pg_other "$primary")"
  pg_sync_standby_streaming "$primary" || die "$standby is not a synchronous standby of $primary right now"
  t0="$(ms_now)"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$run/$primary/data" -m immediate -w stop >/dev/null 2>&1 ||
    die "could not stop $primary"
  rm -f "$run/$primary.pid"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$run/$standby/data" -w promote >/dev/null 2>&1 ||
    die "could not promote $standby"
  # Alone for now: commits must not wait for a standby that is still being rebuilt.
  pg_psql "$standby" -c "ALTER SYSTEM RESET synchronous_standby_names" -c "SELECT pg_reload_conf()" >/dev/null
  t1="$(ms_now)"
  date +%s.%N >"$run/pg-promoted-at" # the drill measures from here
  echo "pg-promote: $primary stopped (immediate), $standby promoted in $((t1 - t0)) ms"
  start_pg_standby "$primary" "$standby"
  echo "pg-promote: $primary re-based as the synchronous standby of $standby after $(($(ms_now) - t0)) ms"
}

pg_status() {
  local node role
  for node in $(pg_nodes); do
    role=down
    if pid_alive "$run/$node.pid"; then
      case "$(pg_psql "$node" -c "SELECT pg_is_in_recovery()" 2>/dev/null)" in
        f) role=primary ;; t) role=standby ;; *) role="not answering" ;;
      esac
    fi
    printf '%-12s %-8s %-8s %-24s %s\n' "$node" "$(cat "$run/$node.pid" 2>/dev/null || echo -)" \
      "$(pid_alive "$run/$node.pid" && echo up || echo down)" "127.0.0.1:$(pg_node_port "$node")" \
      "database scale, $role"
  done
}

stop_postgres() {
  local node
  for node in postgres postgres-2; do
    if [ -f "$run/$node/data/postmaster.pid" ]; then
      runuser -u postgres -- "$pg_bin/pg_ctl" -D "$run/$node/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    stop_pid "$run/$node.pid"
  done
}
