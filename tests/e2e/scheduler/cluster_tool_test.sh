#!/usr/bin/env bash
# e2e: tools/cluster brings up a real cluster from the deploy/ templates, reports one leader,
# fails over on kill-leader, and `down` leaves no process and no listening port behind. Its
# real-Mesos side is tests/e2e/tools/real_mesos_cluster_test.sh; here only its argument checks.
set -euo pipefail
root="${SCALE_SOURCE_DIR:?}"
export SCALE_BIN="${SCALE_BUILD_DIR:?}/scheduler/scale-scheduler"
export SCALE_RUN_DIR="$(mktemp -d /tmp/scale-cluster-test.XXXXXX)"
chmod 755 "$SCALE_RUN_DIR"
source "$root/tests/support/free_base_port.sh"
base="$(free_base_port)"
export SCALE_BASE_PORT="$base"
cluster="$root/tools/cluster"
cleanup() { "$cluster" down >/dev/null 2>&1 || true; rm -rf "$SCALE_RUN_DIR"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; "$cluster" logs >&2 || true; exit 1; }

# A real Mesos needs MESOS_HOME: without it, one line naming it and a non-zero exit, nothing started.
if env -u MESOS_HOME "$cluster" up --mesos real >"$SCALE_RUN_DIR/real.out" 2>&1; then fail "up --mesos real without MESOS_HOME"; fi
[ "$(wc -l <"$SCALE_RUN_DIR/real.out")" -eq 1 ] && grep -q MESOS_HOME "$SCALE_RUN_DIR/real.out" ||
  fail "up --mesos real without MESOS_HOME: $(cat "$SCALE_RUN_DIR/real.out")"

"$cluster" up -n 3 >"$SCALE_RUN_DIR/up.out" 2>&1 || { cat "$SCALE_RUN_DIR/up.out" >&2; fail "up"; }
# The emulator has no master-N or agent-N to stop.
if "$cluster" stop agent-1 2>"$SCALE_RUN_DIR/stop.err"; then fail "stop agent-1 on mesos-sim succeeded"; fi
grep -q mesos-sim "$SCALE_RUN_DIR/stop.err" || fail "stop agent-1 on mesos-sim: $(cat "$SCALE_RUN_DIR/stop.err")"
status="$("$cluster" status)"
echo "$status"
[ "$(grep -c '^replica-.* leader$' <<<"$status")" -eq 1 ] || fail "expected exactly one leader"
old="$(sed -n 's/^leader: //p' <<<"$status")"

# Through HAProxy: reads from any replica, leader frontend reaches the leader.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((base + 80))/ping")
[ "$code" = 200 ] || fail "read frontend answered $code"
deadline=$((SECONDS + 10))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((base + 81))/leaderhealth")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || fail "leader frontend never reached the leader"
  sleep 0.1
done

"$cluster" kill-leader --signal TERM
deadline=$((SECONDS + 10))
until new="$("$cluster" status | sed -n 's/^leader: //p')" && [ -n "$new" ] && [ "$new" != none ] && [ "$new" != "$old" ]; do
  [ $SECONDS -lt $deadline ] || fail "no new leader after kill-leader"
  sleep 0.1
done
echo "failover: $old -> $new"

"$cluster" down
left=$(ss -Htln "sport >= :$base and sport < :$((base + 100))" | wc -l)
[ "$left" -eq 0 ] || { ss -tlnp "sport >= :$base and sport < :$((base + 100))" >&2; fail "ports still listening after down"; }
echo "cluster tool: ok"
