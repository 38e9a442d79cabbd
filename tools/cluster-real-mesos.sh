# shellcheck shell=bash disable=SC2154  # base, run and sim_bin are tools/cluster's
# Sourced by tools/cluster: the real Apache Mesos of `tools/cluster up --mesos real` (instead of
# the mesos-sim emulator). MESOS_HOME names the installation (sbin/mesos-master, sbin/mesos-agent,
# libexec/mesos; ../shared/real-mesos/install.sh prints one). Everything runs as root on
# 127.0.0.1 without systemd:
#   master-I (I = 1..5)   base+50+I; one master runs alone (replicas get http://127.0.0.1:PORT),
#                         several elect a leader through the cluster's ZooKeeper ensemble at
#                         zk://<ensemble>/mesos (agents and replicas get that URL)
#   agent-I  (I = 1..20)  base+59+I; posix launcher and isolators, --resources from
#                         SCALE_AGENT_RESOURCES (default cpus:4;mem:4096;disk:10000)
# Each has its own work dir (agents also a runtime and fetcher cache dir) under $run/mesos/, its
# log in $run/master-I.log or agent-I.log (Mesos logs to stderr) and its pid in $run/NAME.pid.
# SCALE_MESOS_MASTER_FLAGS and SCALE_MESOS_AGENT_FLAGS add flags (split on spaces). The registry
# is in memory: a master that takes over starts empty and learns the agents and the framework as
# they come back (as the emulator's failover).
# The posix launcher runs every executor in a session of its own, and executors outlive their
# agent: a stopped agent restarted on the same work dir recovers the tasks still running, and
# `down` kills whatever runs in an agent's work dir (by /proc/PID/cwd) after the agent is gone.

real_mesos() { [ "${SCALE_MESOS:-sim}" = real ]; }
num_masters() { echo "${SCALE_MESOS_MASTERS:-0}"; }
num_agents() { echo "${SCALE_MESOS_AGENTS:-0}"; }
master_port() { echo $((base + 50 + $1)); }
agent_port() { echo $((base + 59 + $1)); }
master_dir() { echo "$run/mesos/master-$1"; }
agent_dir() { echo "$run/mesos/agent-$1"; }
mesos_zk_url() { echo "zk://$(zk_connect)/mesos"; }
# Where agents find the leading master.
agent_master() {
  if [ "$(num_masters)" -gt 1 ]; then mesos_zk_url; else echo "127.0.0.1:$(master_port 1)"; fi
}
# --mesos_master of a replica that reaches the 127.0.0.1 services at HOST (service_host).
mesos_master_spec() {
  if ! real_mesos; then echo "http://$1:$(sim_port)"
  elif [ "$(num_masters)" -gt 1 ]; then echo "zk://$(zk_connect "$1")/mesos"
  else echo "http://$1:$(master_port 1)"; fi
}
mesos_ports() {  # every port the Mesos side of the cluster listens on
  local i
  if ! real_mesos; then sim_port; return; fi
  for i in $(seq 1 "$(num_masters)"); do master_port "$i"; done
  for i in $(seq 1 "$(num_agents)"); do agent_port "$i"; done
}
joined_ports() { local kind="$1" n="$2" i out=""; for i in $(seq 1 "$n"); do out+="${out:+,}$("${kind}_port" "$i")"; done; echo "$out"; }

# check_mesos_args AGENTS MASTERS — `up`'s Mesos arguments (AGENTS may be empty: the default);
# sets SCALE_MESOS_AGENTS and SCALE_MESOS_MASTERS.
check_mesos_args() {
  local agents="$1" masters="$2"
  case "${SCALE_MESOS:-sim}" in
    sim)
      agents="${agents:-4}"
      [[ "$agents" =~ ^[1-9][0-9]{0,3}$ ]] || die "--agents must be a number from 1 to 9999"
      [ "$masters" = 1 ] || die "--masters is for --mesos real (the emulator is one master)"
      [ -x "$sim_bin" ] || die "no mesos-sim binary at $sim_bin (build target mesos-sim, or set SCALE_SIM_BIN)" ;;
    real)
      agents="${agents:-2}"
      [[ "$agents" =~ ^([1-9]|1[0-9]|20)$ ]] || die "--agents must be a number from 1 to 20 with --mesos real"
      [[ "$masters" =~ ^[1-5]$ ]] || die "--masters must be a number from 1 to 5"
      ! netns_on || [ "$masters" = 1 ] ||
        die "--netns needs --masters 1: replicas in namespaces cannot reach the 127.0.0.1 addresses several masters advertise in ZooKeeper"
      check_mesos_home ;;
    *) die "--mesos must be sim or real, not '$SCALE_MESOS'" ;;
  esac
  SCALE_MESOS_AGENTS="$agents" SCALE_MESOS_MASTERS="$masters"
}

check_mesos_home() {
  local hint="set MESOS_HOME to a Mesos 1.x installation, e.g. MESOS_HOME=\$(../shared/real-mesos/install.sh build/real-mesos)"
  [ -n "${MESOS_HOME:-}" ] || die "--mesos real needs MESOS_HOME: $hint"
  local f
  for f in sbin/mesos-master sbin/mesos-agent libexec/mesos/mesos-executor; do
    [ -x "$MESOS_HOME/$f" ] || die "MESOS_HOME=$MESOS_HOME has no executable $f: $hint"
  done
  "$MESOS_HOME/sbin/mesos-master" --version >/dev/null 2>&1 ||
    die "$MESOS_HOME/sbin/mesos-master --version fails (missing libraries? MESOS_HOME=$MESOS_HOME tools/install-deps says which)"
  [ "$(id -u)" = 0 ] || die "--mesos real needs root (the agents launch tasks as root)"
}

# The cluster.env lines of the Mesos side: later commands and tools/drill read them.
real_mesos_env() {
  printf 'SCALE_MESOS=%q\n' "${SCALE_MESOS:-sim}"
  real_mesos || return 0
  printf 'MESOS_HOME=%q\nSCALE_MESOS_MASTERS=%q\nSCALE_MESOS_AGENTS=%q\nSCALE_AGENT_RESOURCES=%q\n' \
    "$MESOS_HOME" "$(num_masters)" "$(num_agents)" "${SCALE_AGENT_RESOURCES:-cpus:4;mem:4096;disk:10000}"
  printf 'SCALE_MESOS_MASTER_FLAGS=%q\nSCALE_MESOS_AGENT_FLAGS=%q\n' \
    "${SCALE_MESOS_MASTER_FLAGS:-}" "${SCALE_MESOS_AGENT_FLAGS:-}"
  printf 'SCALE_MESOS_MASTER_PORTS=%q\nSCALE_MESOS_AGENT_PORTS=%q\nSCALE_MESOS_MASTER=%q\n' \
    "$(joined_ports master "$(num_masters)")" "$(joined_ports agent "$(num_agents)")" \
    "$(mesos_master_spec 127.0.0.1)"
}

start_master() {  # start_master I — same port and work dir every time
  local i="$1" dir
  dir="$(master_dir "$i")"
  mkdir -p "$dir/work"
  local -a extra flags=(--ip=127.0.0.1 --port="$(master_port "$i")" --hostname=127.0.0.1
    --work_dir="$dir/work" --registry=in_memory --webui_dir="$MESOS_HOME/share/mesos/webui")
  read -r -a extra <<<"${SCALE_MESOS_MASTER_FLAGS:-}"
  [ "$(num_masters)" -gt 1 ] && flags+=(--zk="$(mesos_zk_url)")
  # An agent that stops answering is lost after ~6 s instead of 75 s (drills kill agents); 1 s
  # x 2 lost healthy agents of a loaded 2-core machine (an -O0 master answers pings late).
  [[ " ${SCALE_MESOS_MASTER_FLAGS:-}" == *" --agent_ping_timeout"* ]] ||
    flags+=(--agent_ping_timeout=2secs --max_agent_ping_timeouts=3)
  setsid "$MESOS_HOME/sbin/mesos-master" "${flags[@]}" "${extra[@]}" \
    >>"$run/master-$i.log" 2>&1 </dev/null &
  echo $! >"$run/master-$i.pid"
}

start_agent() {  # start_agent I — the same work dir again recovers its checkpointed executors
  local i="$1" dir
  dir="$(agent_dir "$i")"
  mkdir -p "$dir/work" "$dir/runtime" "$dir/fetch"
  local -a extra
  read -r -a extra <<<"${SCALE_MESOS_AGENT_FLAGS:-}"
  setsid "$MESOS_HOME/sbin/mesos-agent" --master="$(agent_master)" --ip=127.0.0.1 \
    --port="$(agent_port "$i")" --hostname=127.0.0.1 --work_dir="$dir/work" \
    --runtime_dir="$dir/runtime" --fetcher_cache_dir="$dir/fetch" \
    --launcher_dir="$MESOS_HOME/libexec/mesos" --launcher=posix \
    --isolation=posix/cpu,posix/mem --no-systemd_enable_support \
    --resources="${SCALE_AGENT_RESOURCES:-cpus:4;mem:4096;disk:10000}" "${extra[@]}" \
    >>"$run/agent-$i.log" 2>&1 </dev/null &
  echo $! >"$run/agent-$i.pid"
}

# node_listening NAME PORT — the process is alive and its port accepts connections; a process
# that exited ends the wait at once with the end of its log.
node_listening() {
  pid_alive "$run/$1.pid" || die "$1 exited: $(tail -n 3 "$run/$1.log" 2>/dev/null | tr '\n' ' ')"
  port_open "$2"
}

# The index of the master that leads: the one whose /master/redirect points at itself.
leading_master() {
  local i p answer
  for i in $(seq 1 "$(num_masters)"); do
    p="$(master_port "$i")"
    answer="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 2 \
      "http://127.0.0.1:$p/master/redirect" 2>/dev/null || true)"
    [ "$answer" = "307 http://127.0.0.1:$p/" ] && { echo "$i"; return 0; }
  done
  return 1
}
master_elected() { leading_master >/dev/null; }

# One line per agent the leading master lists: its JSON object (flat enough for grep).
master_agent_lines() {
  local m
  m="$(leading_master)" || return 0
  curl -s --max-time 2 "http://127.0.0.1:$(master_port "$m")/master/slaves" 2>/dev/null |
    sed 's/{"id":/\n&/g' | grep '^{"id":' || true
}
agents_active() {  # agents_active N — the leading master lists N agents as active
  [ "$(master_agent_lines | grep -c '"active":true')" -ge "$1" ]
}

kill_agent_executors() {  # kill_agent_executors I — what runs in agent I's work dir
  local prefix p cwd found
  prefix="$(agent_dir "$1")/work/"
  for _ in 1 2 3 4 5; do
    found=0
    for p in /proc/[0-9]*; do
      cwd="$(readlink "$p/cwd" 2>/dev/null)" || continue
      case "$cwd/" in "$prefix"*) kill -KILL "${p#/proc/}" 2>/dev/null && found=1 ;; esac
    done
    [ "$found" = 0 ] && return 0
    sleep 0.1
  done
}

start_mesos() {  # start_mesos — the emulator, or the real masters and agents
  if ! real_mesos; then
    start_mesos_sim "$(num_agents)"
    log "mesos-sim serving on http://127.0.0.1:$(sim_port) with $(num_agents) agents"
    return
  fi
  local i started=$SECONDS
  rm -rf "$run/mesos"  # a new cluster's Mesos starts empty, as the emulator does
  for i in $(seq 1 "$(num_masters)"); do start_master "$i"; done
  for i in $(seq 1 "$(num_masters)"); do
    wait_for "master-$i on port $(master_port "$i")" 30 node_listening "master-$i" "$(master_port "$i")"
  done
  wait_for "a leading Mesos master" 30 master_elected
  for i in $(seq 1 "$(num_agents)"); do start_agent "$i"; done
  for i in $(seq 1 "$(num_agents)"); do
    wait_for "agent-$i on port $(agent_port "$i")" 30 node_listening "agent-$i" "$(agent_port "$i")"
  done
  wait_for "$(num_agents) Mesos agents registered" 60 agents_active "$(num_agents)"
  log "Mesos $("$MESOS_HOME/sbin/mesos-master" --version | sed 's/^mesos //'): $(num_masters) master(s) from" \
    "port $(master_port 1), $(num_agents) agent(s) registered, in $((SECONDS - started)) s"
}

real_mesos_status() {
  local i p state role leader lines line
  leader="$(leading_master || echo 0)"
  for i in $(seq 1 "$(num_masters)"); do
    p="$(master_port "$i")"
    state=down role="-"
    if pid_alive "$run/master-$i.pid"; then
      state=up role="Mesos master, standby"
      [ "$i" = "$leader" ] && role="Mesos master, leading (web UI http://127.0.0.1:$p/)"
    fi
    printf '%-12s %-8s %-8s %-24s %s\n' "master-$i" "$(cat "$run/master-$i.pid" 2>/dev/null || echo -)" \
      "$state" "http://127.0.0.1:$p" "$role"
  done
  lines="$(master_agent_lines)"
  for i in $(seq 1 "$(num_agents)"); do
    p="$(agent_port "$i")"
    state=down role="-"
    if pid_alive "$run/agent-$i.pid"; then
      state=up role="not registered"
      line="$(grep -F "\"pid\":\"slave(1)@127.0.0.1:$p\"" <<<"$lines" || true)"
      if [ -n "$line" ]; then
        role="$(sed 's/^{"id":"\([^"]*\)".*/\1/' <<<"$line")"
        grep -q '"active":true' <<<"$line" && role="active $role" || role="inactive $role"
      fi
    fi
    printf '%-12s %-8s %-8s %-24s %s\n' "agent-$i" "$(cat "$run/agent-$i.pid" 2>/dev/null || echo -)" \
      "$state" "127.0.0.1:$p" "$role"
  done
}

# stop|start|restart master-I|agent-I [--executors]
real_mesos_node() {
  local action="$1" name="$2" executors=0
  shift 2
  if [ "$action ${1:-}" = "stop --executors" ]; then executors=1; shift; fi
  [ $# -eq 0 ] || die "usage: tools/cluster $action master-N|agent-N (stop agent-N also takes --executors)"
  [ -f "$run/replicas" ] || die "no cluster is up in $run"
  real_mesos || die "$name: this cluster runs mesos-sim (start one with tools/cluster up --mesos real)"
  local kind="${name%-*}" i="${name##*-}" count
  [[ "$i" =~ ^[1-9][0-9]?$ ]] || die "no Mesos node named '$name'"
  if [ "$kind" = master ]; then count="$(num_masters)"; else count="$(num_agents)"; fi
  [ "$i" -le "$count" ] || die "no Mesos node named '$name' (this cluster has $count ${kind}s)"
  [ "$kind" = agent ] || [ "$executors" = 0 ] || die "--executors is for agents"
  if [ "$action" != start ]; then
    stop_pid "$run/$name.pid"
    [ "$executors" = 0 ] || kill_agent_executors "$i"
    [ "$action" = restart ] || { echo "$name stopped$([ "$executors" = 1 ] && echo ', and its executors')"; return 0; }
  fi
  ! pid_alive "$run/$name.pid" || die "$name is running (pid $(cat "$run/$name.pid"))"
  "start_$kind" "$i"
  wait_for "$name on port $("${kind}_port" "$i")" 30 node_listening "$name" "$("${kind}_port" "$i")"
  echo "$name ${action}ed (pid $(cat "$run/$name.pid"))"
}

stop_mesos() {  # agents, then what their executors left running, then masters
  local f i
  stop_pid "$run/mesos-sim.pid"
  for f in "$run"/agent-*.pid; do if [ -e "$f" ]; then stop_pid "$f"; fi; done
  for f in "$run"/mesos/agent-*; do
    i="${f##*/agent-}"
    if [ -d "$f" ]; then kill_agent_executors "$i"; fi
  done
  for f in "$run"/master-*.pid; do if [ -e "$f" ]; then stop_pid "$f"; fi; done
}
