#!/usr/bin/env bash
# integration: the rendered haproxy.cfg routes as docs/deployment.md says, in front of three fake
# replicas (a second HAProxy answering /leaderhealth, /healthz and everything else per replica):
#   read port:   reads and writes to replicas whose /healthz is 200, leader or not (writes are
#                intents); with no /healthz anywhere, any live replica answers for itself;
#                nothing alive: 503 {"detail": ...}
#   leader port: only the replica whose /leaderhealth is 200; none: 503 {"detail":"no leader"}
set -euo pipefail
root="${SCALE_SOURCE_DIR:?}"
tmp="$(mktemp -d /tmp/scale-deploy-routing.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    { kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- last answers:" >&2
  cat "$tmp/answers" >&2 2>/dev/null || true
  exit 1
}

# A block of 10 free ports below the ephemeral range.
for _ in $(seq 1 50); do
  base=$((20000 + (RANDOM % 1200) * 10))
  [ "$(ss -Htln "sport >= :$base and sport < :$((base + 10))" | wc -l)" -eq 0 ] && break
done
read_port=$((base + 0))
leader_port=$((base + 1))
replica_port() { echo $((base + 2 + $1)); }  # 1..3

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local deadline=$((SECONDS + 10))
  until port_open "$1"; do
    [ $SECONDS -lt $deadline ] || fail "nothing listens on port $1"
    sleep 0.05
  done
}

# The HAProxy under test, rendered the production way.
"$root/deploy/render" haproxy --bind 127.0.0.1 --read-port "$read_port" \
  --leader-port "$leader_port" --stats-socket "$tmp/haproxy.sock" \
  --replica "r1=127.0.0.1:$(replica_port 1)" --replica "r2=127.0.0.1:$(replica_port 2)" \
  --replica "r3=127.0.0.1:$(replica_port 3)" >"$tmp/haproxy.cfg"
haproxy -c -q -f "$tmp/haproxy.cfg" || fail "haproxy -c"
haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 </dev/null &
pids+=($!)
wait_port "$read_port"

# fakes "LEADERHEALTH HEALTHZ" for r1 r2 r3 (e.g. "200 200" "503 200" "503 503"); "down" for a
# replica that does not listen. Replaces the running fakes.
fakes_pid=""
fakes() {
  if [ -n "$fakes_pid" ]; then
    { kill -KILL "$fakes_pid" && wait "$fakes_pid"; } 2>/dev/null || true
    fakes_pid=""
  fi
  local i=0 spec leaderhealth healthz up=0
  for spec in "$@"; do [ "$spec" = down ] || up=$((up + 1)); done
  [ $up -gt 0 ] || return 0
  {
    printf 'defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n'
    printf '    timeout server 5s\n'
    for spec in "$@"; do
      i=$((i + 1))
      [ "$spec" = down ] && continue
      read -r leaderhealth healthz <<<"$spec"
      printf '\nfrontend r%d\n    bind 127.0.0.1:%d\n' "$i" "$(replica_port "$i")"
      printf '    http-request return status %s content-type application/json string "{}" if { path /leaderhealth }\n' "$leaderhealth"
      printf '    http-request return status %s content-type application/json string "{}" if { path /healthz }\n' "$healthz"
      printf '    http-request return status 200 content-type text/plain string "r%d"\n' "$i"
    done
  } >"$tmp/fakes.cfg"
  haproxy -c -q -f "$tmp/fakes.cfg" || fail "fakes.cfg is invalid"
  haproxy -f "$tmp/fakes.cfg" -db >"$tmp/fakes.log" 2>&1 </dev/null &
  fakes_pid=$!
  pids+=("$fakes_pid")
  i=0
  for spec in "$@"; do
    i=$((i + 1))
    [ "$spec" = down ] || wait_port "$(replica_port "$i")"
  done
}

# answers METHOD PORT N — who answered N requests (body, or "CODE:BODY" when not 200), sorted and
# counted: "r1 r2" means r1 and r2 and nothing else answered. One curl, N requests.
answers() {
  local method="$1" port="$2" n="$3" i line urls=()
  for i in $(seq 1 "$n"); do urls+=("http://127.0.0.1:$port/v6/jobs/"); done
  curl -s -X "$method" --max-time 5 -w '\t%{http_code}\n' "${urls[@]}" >"$tmp/raw" || true
  while IFS= read -r line; do
    if [ "${line##*$'\t'}" = 200 ]; then echo "${line%$'\t'*}"; else echo "${line##*$'\t'}:${line%$'\t'*}"; fi
  done <"$tmp/raw" >"$tmp/answers"
  [ "$(wc -l <"$tmp/answers")" -eq "$n" ] || echo "(only $(wc -l <"$tmp/answers") answers)" >>"$tmp/answers"
  sort -u "$tmp/answers" | tr '\n' ' ' | sed 's/ $//'
}

# expect DESCRIPTION METHOD PORT "ANSWERS": waits (HAProxy checks every 500 ms) until 12 requests
# are answered by exactly that set twice in a row, 1.2 s apart (longer than the 1 s two failed
# checks take, so servers still on their way down have gone), then requires 24 more to be.
expect() {
  local what="$1" method="$2" port="$3" want="$4" got="" deadline=$((SECONDS + 15))
  until got="$(answers "$method" "$port" 12)" && [ "$got" = "$want" ] && sleep 1.2 &&
    got="$(answers "$method" "$port" 12)" && [ "$got" = "$want" ]; do
    [ $SECONDS -lt $deadline ] || fail "$what: answered by '$got', expected '$want'"
    sleep 0.2
  done
  got="$(answers "$method" "$port" 24)"
  [ "$got" = "$want" ] || fail "$what (steady): answered by '$got', expected '$want'"
  echo "ok: $what -> $want"
}

no_replica='503:{"detail":"no scheduler replica available"}'
no_leader='503:{"detail":"no leader"}'

# r1 leads; r2 follows; r3 follows but cannot reach PostgreSQL.
fakes "200 200" "503 200" "503 503"
expect "reads skip the replica without a database" GET "$read_port" "r1 r2"
expect "writes go to every healthy replica" POST "$read_port" "r1 r2"
expect "PATCH goes to every healthy replica" PATCH "$read_port" "r1 r2"
expect "leader port: reads" GET "$leader_port" "r1"
expect "leader port: writes" POST "$leader_port" "r1"

# Leadership moves to r2 (r1 follows now).
fakes "503 200" "200 200" "503 503"
expect "writes still go to every healthy replica" POST "$read_port" "r1 r2"
expect "leader port follows the new leader" GET "$leader_port" "r2"

# Election in progress: no leader known anywhere (502), the database fine.
fakes "502 200" "502 200" "502 200"
expect "without a leader, writes go to any healthy replica" POST "$read_port" "r1 r2 r3"
expect "without a leader, reads still served" GET "$read_port" "r1 r2 r3"
expect "without a leader, the leader port says so" GET "$leader_port" "$no_leader"

# PostgreSQL down for everyone: the replicas answer for themselves.
fakes "503 503" "503 503" "503 503"
expect "without a database anywhere, any live replica answers reads" GET "$read_port" "r1 r2 r3"
expect "without a database anywhere, any live replica answers writes" POST "$read_port" "r1 r2 r3"

# One replica gone, the others healthy.
fakes "down" "200 200" "503 200"
expect "a dead replica gets no reads" GET "$read_port" "r2 r3"
expect "a dead replica gets no writes" POST "$read_port" "r2 r3"

# Nothing alive: HAProxy's own answer keeps the API's error shape.
fakes "down" "down" "down"
expect "nothing alive: read port" GET "$read_port" "$no_replica"
expect "nothing alive: leader port" GET "$leader_port" "$no_leader"

echo "deploy haproxy routing: ok"
