#!/usr/bin/env bash
# e2e: a short failover drill. tools/cluster brings a cluster up with every replica in its own
# network namespace and a synchronous PostgreSQL standby; tools/drill injects one fault of six
# kinds (leader SIGKILL, leader cut off the network, PostgreSQL restart, PostgreSQL primary lost
# and its standby promoted, agent removed, Mesos master failover) under load and must find zero
# violations; tools/cluster down must remove the namespaces and veths it created. The
# cluster is torn down on every exit path.
set -euo pipefail
root="${SCALE_SOURCE_DIR:?}"
build="${SCALE_BUILD_DIR:?}"
export SCALE_BIN="$build/scheduler/scale-scheduler"
export SCALE_SIM_BIN="$build/tools/mesos-sim/mesos-sim"
export SCALE_DRILL_BIN="$build/tools/drill-src/scale-drill"
# A short session timeout keeps the SIGKILL and partition faults quick.
export SCALE_SESSION_TIMEOUT_MS=2000
export SCALE_RUN_DIR="$(mktemp -d /tmp/scale-drill-test.XXXXXX)"
chmod 755 "$SCALE_RUN_DIR"
source "$root/tests/support/free_base_port.sh"
base="$(free_base_port)"
export SCALE_BASE_PORT="$base"
cluster="$root/tools/cluster"
drill="$root/tools/drill"
cleanup() { "$cluster" down >/dev/null 2>&1 || true; rm -rf "$SCALE_RUN_DIR"; }
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  cat "$SCALE_RUN_DIR/drill.err" >&2 2>/dev/null || true
  "$cluster" logs >&2 || true
  exit 1
}

for binary in "$SCALE_BIN" "$SCALE_SIM_BIN" "$SCALE_DRILL_BIN"; do
  [ -x "$binary" ] || fail "missing $binary (build the default target)"
done

# Bad arguments: one line, exit 2, before anything is touched (no cluster is up yet).
set +e
"$drill" --faults 0 --kinds kill 2>"$SCALE_RUN_DIR/usage.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--faults 0 exited $rc, expected 2"
grep -q -- "--faults" "$SCALE_RUN_DIR/usage.err" || fail "no usage message: $(cat "$SCALE_RUN_DIR/usage.err")"
set +e
"$drill" --faults 1 --kinds kill 2>"$SCALE_RUN_DIR/nocluster.err"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "no cluster: exited $rc, expected 3"

# The replicas' REST APIs read from the standby (--db-read): the drill's fresh-status check then
# also holds for reads from a standby that is promoted and replaced under load.
"$cluster" up -n 3 --agents 4 --netns --pg-standby --db-read >"$SCALE_RUN_DIR/up.out" 2>&1 ||
  { cat "$SCALE_RUN_DIR/up.out" >&2; fail "tools/cluster up --netns --pg-standby --db-read"; }
grep -q "the REST API reads from --db_read" "$SCALE_RUN_DIR"/replica-1.log ||
  fail "replica-1 does not read from the standby"

set +e
"$drill" --faults 6 --kinds kill,partition,pg-restart,pg-promote,agent-loss,mesos-failover --rate 5 \
  --drain_s 30 --json >"$SCALE_RUN_DIR/report.json" 2>"$SCALE_RUN_DIR/drill.err"
rc=$?
set -e
cat "$SCALE_RUN_DIR/drill.err"
[ "$rc" -eq 0 ] || fail "tools/drill exited $rc (violations above)"
grep -q '"ok":true' "$SCALE_RUN_DIR/report.json" || fail "report is not ok: $(cat "$SCALE_RUN_DIR/report.json")"
grep -q '"violations":\[\]' "$SCALE_RUN_DIR/report.json" || fail "report lists violations"
[ "$(grep -o '"settled":true' "$SCALE_RUN_DIR/report.json" | wc -l)" -eq 6 ] || fail "not every fault settled"
grep -q '"accepted":[1-9]' "$SCALE_RUN_DIR/report.json" || fail "the load generator got no job accepted"

"$cluster" down >/dev/null
left="$(ip netns list | grep -c "^scale-$base-" || true)"
[ "$left" -eq 0 ] || fail "tools/cluster down left $left network namespaces"
! ip -o link show | grep -q ": sc${base}r" || fail "tools/cluster down left a veth behind"
echo "drill e2e: ok"
