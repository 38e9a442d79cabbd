#!/usr/bin/env bash
# integration: the entry points of the deploy/Dockerfile images, run here without Docker (the
# same Debian packages are installed on this machine): the zookeeper one renders zoo.cfg and
# serves, the haproxy one renders haproxy.cfg and serves, the scheduler one turns the password
# secret into a private libpq password file.
set -euo pipefail
root="${SCALE_SOURCE_DIR:?}"
docker_dir="$root/deploy/docker"
tmp="$(mktemp -d /tmp/scale-deploy-entry.XXXXXX)"
chmod 755 "$tmp"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    { kill -KILL -- "-$pid" && wait "$pid"; } 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for _ in $(seq 1 50); do
  base=$((20000 + (RANDOM % 1200) * 10))
  [ "$(ss -Htln "sport >= :$base and sport < :$((base + 10))" | wc -l)" -eq 0 ] && break
done

wait_for() {  # wait_for WHAT SECONDS COMMAND...
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
    sleep 0.1
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
zk_mode() {
  local reply
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf srvr >&3
  reply="$(timeout 2 cat <&3)" || true
  exec 3<&-
  grep -q '^Mode:' <<<"$reply"
}

# --- scheduler: the password file.
printf 'pa:ss\\word-with-colon\n' >"$tmp/secret"
# shellcheck disable=SC2016  # expanded by the inner shell
out="$(SCALE_DB_PASSWORD_FILE="$tmp/secret" TMPDIR="$tmp" "$docker_dir/scheduler-entrypoint" \
  sh -c 'printf "%s|%s|%s" "$PGPASSFILE" "$(stat -c %a "$PGPASSFILE")" "${SCALE_DB_PASSWORD_FILE:-unset}"')"
[ "$out" = "$tmp/scale-pgpass|600|unset" ] || fail "scheduler entry point: $out"
[ "$(cat "$tmp/scale-pgpass")" = '*:*:*:*:pa\:ss\\word-with-colon' ] ||
  fail "pgpass line: $(cat "$tmp/scale-pgpass")"
out="$(env -u SCALE_DB_PASSWORD_FILE "$docker_dir/scheduler-entrypoint" echo plain)"
[ "$out" = plain ] || fail "scheduler entry point without a secret: $out"
pass "scheduler entry point writes a private pgpass and runs the command"

# --- zookeeper: one member (standalone) from the rendered template.
mkdir -p "$tmp/zk"
setsid env ZK_ID=1 ZK_MEMBERS="1=127.0.0.1:$((base + 1)):$((base + 2))" ZK_TICK_MS=200 \
  ZK_HEAP=64m ZK_CLIENT_PORT="$base" ZK_DATA_DIR="$tmp/zk/data" ZK_CONF_DIR="$tmp/zk" \
  SCALE_DEPLOY_DIR="$root/deploy" "$docker_dir/zookeeper-entrypoint" >"$tmp/zk.log" 2>&1 &
pids+=($!)
wait_for "the zookeeper entry point to serve" 60 zk_mode "$base" ||
  { cat "$tmp/zk.log" >&2; exit 1; }
[ "$(cat "$tmp/zk/data/myid")" = 1 ] || fail "myid"
grep -q "^server\.1=127\.0\.0\.1:$((base + 1)):$((base + 2))\$" "$tmp/zk/zoo.cfg" || fail "zoo.cfg"
pass "zookeeper entry point renders zoo.cfg and serves"

# --- haproxy: renders and serves (no DNS resolver outside Docker).
mkdir -p "$tmp/haproxy"
setsid env SCALE_REPLICAS="r1=127.0.0.1:$((base + 5)) r2=127.0.0.1:$((base + 6))" \
  SCALE_READ_PORT=$((base + 3)) SCALE_LEADER_PORT=$((base + 4)) SCALE_RESOLVER=none \
  SCALE_BIND=127.0.0.1 HAPROXY_RUN_DIR="$tmp/haproxy" SCALE_DEPLOY_DIR="$root/deploy" \
  "$docker_dir/haproxy-entrypoint" >"$tmp/haproxy.log" 2>&1 &
pids+=($!)
wait_for "the haproxy entry point to serve" 10 port_open $((base + 3)) ||
  { cat "$tmp/haproxy.log" >&2; exit 1; }
port_open $((base + 4)) || fail "leader port not open"
[ "$(grep -c '^    server r[12] 127\.0\.0\.1:' "$tmp/haproxy/haproxy.cfg")" -eq 6 ] ||
  fail "haproxy.cfg servers"
# No replica runs: HAProxy's own JSON answer.
body="$(curl -s --max-time 5 "http://127.0.0.1:$((base + 4))/v6/jobs/" || true)"
deadline=$((SECONDS + 10))
until [ "$body" = '{"detail":"no leader"}' ]; do
  [ $SECONDS -lt $deadline ] || fail "leader port answered '$body'"
  sleep 0.2
  body="$(curl -s --max-time 5 "http://127.0.0.1:$((base + 4))/v6/jobs/" || true)"
done
pass "haproxy entry point renders haproxy.cfg and serves"
echo "deploy container entry points: ok"
