#!/usr/bin/env bash
# integration: the deploy/ configurations as production renders them are valid for the real tools:
# haproxy -c on haproxy.cfg, three identical server lines in every member's zoo.cfg,
# systemd-analyze verify on the unit, and the env example accepted by the scale-scheduler binary.
# deploy/render refuses what would produce a broken file.
set -euo pipefail
root="${SCALE_SOURCE_DIR:?}"
build="${SCALE_BUILD_DIR:?}"
render="$root/deploy/render"
tmp="$(mktemp -d /tmp/scale-deploy-configs.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# --- haproxy.cfg: production values, checked by HAProxy itself.
"$render" haproxy --bind 0.0.0.0 --read-port 80 --leader-port 8081 \
  --stats-socket "$tmp/haproxy.sock" --replica sched1=10.0.1.11:8000 \
  --replica sched2=10.0.1.12:8000 --replica sched3=10.0.1.13:8000 >"$tmp/haproxy.cfg"
haproxy -c -f "$tmp/haproxy.cfg" >"$tmp/haproxy-check.out" 2>&1 ||
  { cat "$tmp/haproxy-check.out" >&2; fail "haproxy -c rejects the rendered haproxy.cfg"; }
if grep -q -i warning "$tmp/haproxy-check.out"; then
  cat "$tmp/haproxy-check.out" >&2
  fail "haproxy -c warns about the rendered haproxy.cfg"
fi
! grep -q '@[A-Z_]*@' "$tmp/haproxy.cfg" || fail "a placeholder is left in haproxy.cfg"
# Three backends (healthz, ping, leaderhealth), each with every replica.
[ "$(grep -c '^    server sched[123] 10\.0\.1\.1[123]:8000 check$' "$tmp/haproxy.cfg")" -eq 9 ] ||
  fail "expected 3 replicas in each of 3 backends"
for check in /healthz /ping /leaderhealth; do
  grep -q "^    http-check send meth GET uri $check\$" "$tmp/haproxy.cfg" || fail "no $check check"
done
grep -q '^    bind 0\.0\.0\.0:80$' "$tmp/haproxy.cfg" || fail "read frontend not bound"
grep -q '^    bind 0\.0\.0\.0:8081$' "$tmp/haproxy.cfg" || fail "leader frontend not bound"
pass "haproxy.cfg renders and haproxy -c accepts it"

# With run-time DNS (the container image): names that do not resolve yet do not stop HAProxy.
"$render" haproxy --bind 0.0.0.0 --read-port 8080 --leader-port 8081 \
  --stats-socket "$tmp/haproxy.sock" --replica scheduler-1=scheduler-1.invalid:8000 \
  --replica scheduler-2=scheduler-2.invalid:8000 --resolver 127.0.0.11:53 >"$tmp/haproxy-dns.cfg"
haproxy -c -f "$tmp/haproxy-dns.cfg" >"$tmp/haproxy-dns.out" 2>&1 ||
  { cat "$tmp/haproxy-dns.out" >&2; fail "haproxy -c rejects haproxy.cfg rendered with --resolver"; }
grep -q '^    nameserver dns1 127\.0\.0\.11:53$' "$tmp/haproxy-dns.cfg" || fail "no resolvers section"
[ "$(grep -c ' check resolvers dns .*init-addr last,libc,none$' "$tmp/haproxy-dns.cfg")" -eq 6 ] ||
  fail "servers do not use the resolver"
pass "haproxy.cfg with --resolver starts before the replicas' names resolve"

# Replicas serving https (--tls_cert): TLS to them and to their checks, verified against a CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=scale-test-ca \
  -keyout "$tmp/ca.key" -out "$tmp/ca.crt" >/dev/null 2>&1 || fail "openssl could not make a CA"
"$render" haproxy --bind 0.0.0.0 --read-port 80 --leader-port 8081 \
  --stats-socket "$tmp/haproxy.sock" --replica sched1=10.0.1.11:8443 \
  --replica sched2=10.0.1.12:8443 --replica-ca "$tmp/ca.crt" >"$tmp/haproxy-tls.cfg"
haproxy -c -f "$tmp/haproxy-tls.cfg" >"$tmp/haproxy-tls.out" 2>&1 ||
  { cat "$tmp/haproxy-tls.out" >&2; fail "haproxy -c rejects haproxy.cfg rendered with --replica-ca"; }
[ "$(grep -c " check ssl verify required ca-file $tmp/ca.crt\$" "$tmp/haproxy-tls.cfg")" -eq 6 ] ||
  fail "servers do not use TLS"
pass "haproxy.cfg with --replica-ca talks TLS to the replicas"

# --- zoo.cfg: one per member, the same three server lines in each.
for id in 1 2 3; do
  "$render" zoo --tick-ms 2000 --data-dir /var/lib/zookeeper --client-address 0.0.0.0 \
    --client-port 2181 --member 1=zk1.example:2888:3888 --member 2=zk2.example:2888:3888 \
    --member 3=zk3.example:2888:3888 >"$tmp/zoo-$id.cfg"
  [ "$(grep -c '^server\.[123]=zk[123]\.example:2888:3888$' "$tmp/zoo-$id.cfg")" -eq 3 ] ||
    fail "zoo.cfg of member $id does not have three servers"
  ! grep -q '@[A-Z_]*@' "$tmp/zoo-$id.cfg" || fail "a placeholder is left in zoo.cfg"
  grep -q '^tickTime=2000$' "$tmp/zoo-$id.cfg" || fail "tickTime not rendered"
  grep -q '^dataDir=/var/lib/zookeeper$' "$tmp/zoo-$id.cfg" || fail "dataDir not rendered"
done
cmp -s "$tmp/zoo-1.cfg" "$tmp/zoo-3.cfg" || fail "members' zoo.cfg differ"
# Every line is key=value or a comment (ZooKeeper would ignore or reject anything else).
! grep -v -E '^(#.*|[A-Za-z0-9_.]+=.*|)$' "$tmp/zoo-1.cfg" || fail "zoo.cfg has a malformed line"
pass "zoo.cfg renders with three servers"

# --- render refuses what would break a configuration.
refuses() {  # refuses WHAT EXPECTED_MESSAGE COMMAND...
  local what="$1" expected="$2"; shift 2
  if "$@" >"$tmp/refused.out" 2>"$tmp/refused.err"; then fail "render accepted $what"; fi
  grep -qF -- "$expected" "$tmp/refused.err" || { cat "$tmp/refused.err" >&2; fail "unclear error for $what"; }
}
refuses "two members" "odd number" "$render" zoo --tick-ms 200 --data-dir /d \
  --client-address 127.0.0.1 --client-port 2181 --member 1=a:1:2 --member 2=b:1:2
refuses "no replica" "--replica is required" "$render" haproxy --bind 127.0.0.1 --read-port 1 \
  --leader-port 2 --stats-socket /s
refuses "a bad replica" "not NAME=HOST:PORT" "$render" haproxy --bind 127.0.0.1 --read-port 1 \
  --leader-port 2 --stats-socket /s --replica 'a b=h:1'
refuses "a bad port" "is not a port" "$render" haproxy --bind 127.0.0.1 --read-port 99999 \
  --leader-port 2 --stats-socket /s --replica a=h:1
refuses "an unknown key" "has no placeholder @NOPE@" "$render" template \
  "$root/deploy/zoo.cfg.tmpl" NOPE=1
refuses "a missing key" "was not given a value" "$render" template "$root/deploy/zoo.cfg.tmpl" \
  TICK_MS=200
printf 'a=@X@\n# @X@\n' >"$tmp/commented.tmpl"
refuses "a placeholder in a comment" "placeholder in a comment" "$render" template \
  "$tmp/commented.tmpl" X=1
pass "render refuses broken input"

# --- the systemd unit (with ExecStart pointing at a binary that exists here).
if command -v systemd-analyze >/dev/null; then
  sed "s|^ExecStart=/usr/local/bin/scale-scheduler\$|ExecStart=$(command -v true)|" \
    "$root/deploy/scale-scheduler@.service" >"$tmp/scale-scheduler@.service"
  grep -q "^ExecStart=$(command -v true)\$" "$tmp/scale-scheduler@.service" ||
    fail "the unit's ExecStart is not /usr/local/bin/scale-scheduler"
  # verify exits 0 on unknown keys too: any output is a finding.
  systemd-analyze verify "$tmp/scale-scheduler@.service" >"$tmp/verify.out" 2>&1 ||
    { cat "$tmp/verify.out" >&2; fail "systemd-analyze verify"; }
  [ ! -s "$tmp/verify.out" ] || { cat "$tmp/verify.out" >&2; fail "systemd-analyze verify warns"; }
  pass "systemd-analyze verify accepts scale-scheduler@.service"
else
  echo "note: systemd-analyze is not installed; the unit was not verified"
fi
unit="$root/deploy/scale-scheduler@.service"
for line in 'EnvironmentFile=/etc/scale-scheduler/%i.env' 'Restart=on-failure' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' 'User=scale-scheduler'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks $line"
done

# --- the env example: every FLAGS_ name is a flag of the binary, and the binary accepts the
# whole file (as systemd reads it) and gets as far as the database.
bin="$build/scheduler/scale-scheduler"
[ -x "$bin" ] || fail "no scale-scheduler at $bin (build the target scale-scheduler)"
env_file="$root/deploy/scale-scheduler.env.example"
"$bin" --helpfull >"$tmp/flags.txt" 2>&1 || true
while read -r name; do
  grep -qE "^    -$name \(" "$tmp/flags.txt" || fail "the env example sets FLAGS_$name: no such flag"
done < <(grep -oE '^#?FLAGS_[a-z_]+' "$env_file" | sed 's/^#\{0,1\}FLAGS_//' | sort -u)
# systemd's EnvironmentFile: KEY=VALUE lines, optional double quotes, # comments.
vars=()
while IFS= read -r line; do
  [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
  key="${BASH_REMATCH[1]}"
  value="${BASH_REMATCH[2]}"
  if [[ "$value" =~ ^\"(.*)\"$ ]]; then value="${BASH_REMATCH[1]}"; fi
  vars+=("$key=$value")
done < <(grep -v '^[[:space:]]*#' "$env_file")
[ ${#vars[@]} -ge 8 ] || fail "the env example sets only ${#vars[@]} variables"
printf 'a-token-for-the-test\n' >"$tmp/api_token"
printf '*:*:*:*:secret\n' >"$tmp/pgpass"
chmod 600 "$tmp/api_token" "$tmp/pgpass"
closed_port=$((20000 + RANDOM % 10000))
set +e
env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "${vars[@]}" \
  FLAGS_db="host=127.0.0.1 port=$closed_port dbname=scale user=scale connect_timeout=1" \
  FLAGS_startup_timeout_s=1 PGPASSFILE="$tmp/pgpass" FLAGS_api_token_file="$tmp/api_token" \
  timeout 30 "$bin" >"$tmp/replica.out" 2>&1
code=$?
set -e
if [ "$code" -ne 1 ] || ! grep -q "database unreachable" "$tmp/replica.out"; then
  cat "$tmp/replica.out" >&2
  fail "the binary did not accept the env example (exit $code)"
fi
pass "the env example's flags are accepted by scale-scheduler"
# --- Dockerfile and compose.yaml (Docker itself is not needed): every file they take from the
# repository exists, every build target compose names is a stage, the entry points are executable.
dockerfile="$root/deploy/Dockerfile"
compose="$root/deploy/compose.yaml"
while read -r src; do
  [ -e "$root/$src" ] || fail "Dockerfile copies $src, which does not exist"
done < <(grep -E '^COPY ' "$dockerfile" | grep -v -- '--from=' | awk '{for (i = 2; i < NF; i++) print $i}')
while read -r target; do
  grep -qE "^FROM .* AS $target\$" "$dockerfile" || fail "compose.yaml builds target $target: no such stage"
done < <(grep -oE '^ +target: [a-z-]+' "$compose" | awk '{print $2}' | sort -u)
while read -r path; do
  [ -e "$root/deploy/$path" ] || fail "compose.yaml mounts ./$path, which does not exist"
done < <(grep -oE '\./[A-Za-z0-9_./-]+' "$compose" | sed 's|^\./||' | grep -v '^secrets/' | sort -u)
for entry in "$root"/deploy/docker/*; do
  [ -x "$entry" ] || fail "$entry is not executable"
done
pass "Dockerfile and compose.yaml refer to files and stages that exist"
echo "deploy configs: ok"
