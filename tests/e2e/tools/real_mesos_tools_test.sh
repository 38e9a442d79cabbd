#!/usr/bin/env bash
# e2e on a real Apache Mesos (label real_mesos): tools/cluster up --mesos real brings up 3
# replicas on 2 real masters (electing through the cluster's ZooKeeper) and 2 agents; jobs
# complete; agents restarted on their work dirs recover a running task instead of losing it;
# tools/drill refuses what cannot run there and finds zero violations in kill, stop,
# mesos-failover and agent-loss faults under load; tools/cluster down leaves no process and no
# port behind. Without MESOS_HOME it prints one SKIPPED line and exits 77 (SKIP_RETURN_CODE).
# Costs 50-110 s on 2 cores (measured: up 9-24 s, jobs and agent restarts ~15 s, drill 20-60 s;
# the drill's drain is capped at 45 s for a job left behind, see docs/real-mesos.md).
set -euo pipefail
if [ -z "${MESOS_HOME:-}" ]; then
  echo "SKIPPED: real Mesos not available (MESOS_HOME unset)"
  exit 77
fi
root="${SCALE_SOURCE_DIR:?}"
build="${SCALE_BUILD_DIR:?}"
export SCALE_BIN="$build/scheduler/scale-scheduler"
export SCALE_DRILL_BIN="$build/tools/drill-src/scale-drill"
# A short session timeout keeps the kill and stop faults quick.
export SCALE_SESSION_TIMEOUT_MS=2000
SCALE_RUN_DIR="$(mktemp -d /tmp/scale-real-mesos-tools-test.XXXXXX)"
export SCALE_RUN_DIR
chmod 755 "$SCALE_RUN_DIR"
source "$root/tests/support/free_base_port.sh"
base="$(free_base_port)"
export SCALE_BASE_PORT="$base"
cluster="$root/tools/cluster"
drill="$root/tools/drill"
api="http://127.0.0.1:$((base + 80))"
started=$SECONDS

# Whatever still runs from the run directory (its command line names it, or it works in an
# agent's sandbox): nothing once `down` did its job.
leftovers() {
  local p
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/cwd" 2>/dev/null)" in "$SCALE_RUN_DIR"/*) echo "${p#/proc/}"; continue ;; esac
    { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$SCALE_RUN_DIR/" && echo "${p#/proc/}"
  done
  return 0
}
cleanup() {
  "$cluster" down >/dev/null 2>&1 || true
  local pid
  for pid in $(leftovers); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$SCALE_RUN_DIR"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  cat "$SCALE_RUN_DIR/drill.err" >&2 2>/dev/null || true
  local name
  for name in replica-1 replica-2 replica-3 master-1 master-2 agent-1 agent-2; do
    echo "== $name" >&2
    tail -n 15 "$SCALE_RUN_DIR/$name.log" >&2 2>/dev/null || true
  done
  exit 1
}

for binary in "$SCALE_BIN" "$SCALE_DRILL_BIN"; do
  [ -x "$binary" ] || fail "missing $binary (build the default target)"
done

# A wrong MESOS_HOME or an unknown --mesos is one line and a non-zero exit, before anything starts.
for args in "--mesos real" "--mesos bogus"; do
  # shellcheck disable=SC2086
  if MESOS_HOME=/nonexistent "$cluster" up $args >"$SCALE_RUN_DIR/bad.out" 2>&1; then
    fail "tools/cluster up $args with MESOS_HOME=/nonexistent succeeded"
  fi
  [ "$(wc -l <"$SCALE_RUN_DIR/bad.out")" -eq 1 ] || fail "up $args: not one line: $(cat "$SCALE_RUN_DIR/bad.out")"
  grep -q "MESOS_HOME\|--mesos" "$SCALE_RUN_DIR/bad.out" || fail "up $args: unclear error: $(cat "$SCALE_RUN_DIR/bad.out")"
done

t=$SECONDS
"$cluster" up --mesos real --agents 2 -n 3 --masters 2 >"$SCALE_RUN_DIR/up.out" 2>&1 ||
  { cat "$SCALE_RUN_DIR/up.out" >&2; fail "tools/cluster up --mesos real"; }
up_s=$((SECONDS - t))
status="$("$cluster" status)"
echo "$status"
[ "$(grep -c '^master-[12] .* up .*Mesos master, leading' <<<"$status")" -eq 1 ] || fail "expected one leading master"
[ "$(grep -c '^master-[12] .* up .*Mesos master, standby' <<<"$status")" -eq 1 ] || fail "expected one standby master"
[ "$(grep -c '^agent-[12] .* up .* active ' <<<"$status")" -eq 2 ] || fail "expected 2 active agents"
grep -q '^leader: replica-' <<<"$status" || fail "no replica leads"
[ -n "$("$cluster" logs master-1)" ] || fail "tools/cluster logs master-1 is empty"
[ -n "$("$cluster" logs agent-2)" ] || fail "tools/cluster logs agent-2 is empty"

submit() {  # submit NAME COMMAND — prints the job id
  curl -s --max-time 5 -X POST "$api/v6/jobs/" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"command\":\"$2\",\"resources\":{\"cpus\":0.5,\"mem\":64},\"max_tries\":1}" |
    sed -n 's/^{"id":\([0-9]*\),.*/\1/p'
}
job_field() { curl -s --max-time 5 "$api/v6/jobs/$1/" | sed -n "s/.*\"$2\":\"\\{0,1\\}\\([A-Z0-9_]*\\).*/\\1/p" | head -n 1; }
wait_field() {  # wait_field SECONDS FIELD VALUE ID... — status of the job, state of its execution
  local seconds="$1" field="$2" want="$3" id deadline
  shift 3
  deadline=$((SECONDS + seconds))
  for id in "$@"; do
    until [ "$(job_field "$id" "$field")" = "$want" ]; do
      [ $SECONDS -lt $deadline ] || fail "job $id: $field $(job_field "$id" "$field"), not $want, after ${seconds} s"
      sleep 0.5
    done
  done
}

t=$SECONDS
ids=()
for i in 1 2 3 4; do
  id="$(submit "real-$i" "echo hello $i")"
  [ -n "$id" ] || fail "submit real-$i failed"
  ids+=("$id")
done
wait_field 90 status COMPLETED "${ids[@]}"
jobs_s=$((SECONDS - t))

# An agent stopped and started on the same work dir recovers the task it was running: the job
# completes on its first execution.
t=$SECONDS
long="$(submit long "sleep 8")"
[ -n "$long" ] || fail "submit long failed"
wait_field 60 state RUNNING "$long"  # TASK_RUNNING: its executor runs
"$cluster" restart agent-1 >/dev/null || fail "restart agent-1"
"$cluster" restart agent-2 >/dev/null || fail "restart agent-2"
wait_field 90 status COMPLETED "$long"
[ "$(job_field "$long" num_exes)" = 1 ] || fail "job $long ran $(job_field "$long" num_exes) times: its task was not recovered"
recover_s=$((SECONDS - t))

# What cannot run against this cluster is refused before anything is touched.
for kind in zk-quorum partition; do
  set +e
  "$drill" --faults 1 --kinds "$kind" 2>"$SCALE_RUN_DIR/refused.err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "drill --kinds $kind exited $rc, expected 2"
  grep -q "$kind" "$SCALE_RUN_DIR/refused.err" || fail "unclear refusal: $(cat "$SCALE_RUN_DIR/refused.err")"
done

t=$SECONDS
set +e
# Jobs of 3 s keep tasks running on the agents when the faults hit.
"$drill" --faults 4 --kinds kill,stop,mesos-failover,agent-loss --rate 0.5 --job_command 'sleep 3' \
  --drain_s 45 --json \
  >"$SCALE_RUN_DIR/report.json" 2>"$SCALE_RUN_DIR/drill.err"
rc=$?
set -e
drill_s=$((SECONDS - t))
cat "$SCALE_RUN_DIR/drill.err"
[ "$rc" -eq 0 ] || fail "tools/drill exited $rc (violations above)"
grep -q '"ok":true' "$SCALE_RUN_DIR/report.json" || fail "report is not ok"
grep -q '"mesos":"real"' "$SCALE_RUN_DIR/report.json" || fail "the drill did not judge the real master"
grep -q '"violations":\[\]' "$SCALE_RUN_DIR/report.json" || fail "report lists violations"
[ "$(grep -o '"settled":true' "$SCALE_RUN_DIR/report.json" | wc -l)" -eq 4 ] || fail "not every fault settled"
grep -q '"accepted":[1-9]' "$SCALE_RUN_DIR/report.json" || fail "the load generator got no job accepted"

t=$SECONDS
"$cluster" down >/dev/null
down_s=$((SECONDS - t))
left=$(ss -Htln "sport >= :$base and sport < :$((base + 100))" | wc -l)
[ "$left" -eq 0 ] || { ss -tlnp "sport >= :$base and sport < :$((base + 100))" >&2; fail "ports still listening after down"; }
procs="$(leftovers | tr '\n' ' ')"
[ -z "$procs" ] || fail "processes left after down: $procs"
echo "real Mesos tools: ok (up ${up_s} s, 4 jobs ${jobs_s} s, agent restarts ${recover_s} s," \
  "drill ${drill_s} s, down ${down_s} s, total $((SECONDS - started)) s)"
