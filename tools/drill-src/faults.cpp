#include "faults.h"

#include <rapidjson/document.h>
#include <signal.h>

#include <algorithm>
#include <chrono>

#include "fault_support.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

}  // namespace

FaultRunner::FaultRunner(const Cluster& cluster, const Options& options, Violations& violations,
                         const std::vector<std::unique_ptr<ReplicaWatch>>& replicas,
                         MesosWatch& mesos, MesosFaults& mesos_faults,
                         const std::atomic<bool>& interrupted)
    : cluster_(cluster),
      options_(options),
      violations_(violations),
      replicas_(replicas),
      mesos_(mesos),
      mesos_faults_(mesos_faults),
      interrupted_(interrupted) {
  for (const auto& r : cluster.replicas()) {
    api_.push_back(std::make_unique<HttpClient>(r.url, 1000ms));
  }
}

std::optional<FaultRunner::Leader> FaultRunner::confirm_leader(int index) {
  const HttpAnswer a = api_[index - 1]->get("/v6/leader/");
  if (a.status != 200) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(a.body.c_str(), a.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("replica_id") ||
      !doc["replica_id"].IsString() || !doc.HasMember("epoch") || !doc["epoch"].IsInt64()) {
    return std::nullopt;
  }
  // The replica's own answer must name itself: a zombie that still says 200 on /leaderhealth
  // names the leader the database and ZooKeeper agree on.
  const std::string& name = cluster_.replica(index).name;
  if (doc["replica_id"].GetString() != name) return std::nullopt;
  return Leader{index, name, doc["epoch"].GetInt64()};
}

std::optional<FaultRunner::Leader> FaultRunner::find_leader() {
  const double now = wall_now();
  for (const auto& w : replicas_) {
    auto [role, at] = w->last_role();
    if (role == Role::Leader && now - at < 1.0) {
      if (auto leader = confirm_leader(w->replica().index)) return leader;
    }
  }
  return std::nullopt;
}

std::string FaultRunner::wait_for_leader() {
  const bool ok =
      wait_until(wall_now() + options_.recover_s, [&] { return find_leader().has_value(); });
  if (ok) return "";
  return interrupted_ ? "interrupted"
                      : "no leader confirmed within " + std::to_string(options_.recover_s) + " s";
}

bool FaultRunner::zk_serving_all() {
  for (int i = 1; i <= 3; ++i) {
    auto mode = zk_mode(cluster_.zk_port(i), 1000ms);
    if (!mode || (*mode != "leader" && *mode != "follower")) return false;
  }
  return true;
}

std::optional<int> FaultRunner::zk_leader() {
  for (int i = 1; i <= 3; ++i) {
    if (zk_mode(cluster_.zk_port(i), 1000ms) == std::optional<std::string>("leader")) return i;
  }
  return std::nullopt;
}

std::string FaultRunner::signal_replica(int index, int sig) {
  const std::string& name = cluster_.replica(index).name;
  return signal_named(cluster_, name, "--replica_id=" + name, sig);
}

bool FaultRunner::new_leader_seen(int excluded, double since) const {
  for (const auto& w : replicas_) {
    if (w->replica().index != excluded && w->first_role_at_or_after(Role::Leader, since)) {
      return true;
    }
  }
  return false;
}

bool FaultRunner::wait_new_leader(int excluded, double since, double deadline) {
  return wait_until(deadline, [&] { return new_leader_seen(excluded, since); });
}

bool FaultRunner::wait_rejoined(FaultRecord& rec, int index, double since) {
  const auto& w = *replicas_[index - 1];
  std::optional<double> at;
  wait_until(since + options_.recover_s, [&] {
    auto follower = w.first_role_at_or_after(Role::Follower, since);
    auto leader = w.first_role_at_or_after(Role::Leader, since);
    if (follower && leader) {
      at = std::min(*follower, *leader);
    } else {
      at = follower ? follower : leader;
    }
    return at.has_value();
  });
  if (!at) {
    rec.note += w.replica().name + " did not answer as follower or leader after its restore; ";
    return false;
  }
  rec.rejoin_ms = ms_between(since, *at);
  return true;
}

void FaultRunner::no_takeover(FaultRecord& rec, const std::string& how) {
  if (interrupted_) return;
  const std::string what = "no other replica took over within " +
                           std::to_string(options_.recover_s) + " s while " + rec.target + " " +
                           how;
  rec.note += what + "; ";
  violations_.add("failover",
                  "fault #" + std::to_string(rec.number) + " " + kind_name(rec.kind) + ": " + what);
}

void FaultRunner::kill(FaultRecord& rec, const Leader& leader) {
  rec.target = leader.name;
  rec.injected_at = wall_now();
  if (auto err = signal_replica(leader.index, SIGKILL); !err.empty()) {
    rec.note += err + "; ";
    return;
  }
  rec.measured_from = wall_now();
  // Restart only once another replica leads: the failover measured is the session expiry.
  if (!wait_new_leader(leader.index, rec.measured_from, rec.measured_from + options_.recover_s)) {
    no_takeover(rec, "was dead");
  }
  if (auto err = cluster_.tool({"restart", leader.name}); !err.empty()) rec.note += err + "; ";
  wait_rejoined(rec, leader.index, wall_now());
}

void FaultRunner::stop(FaultRecord& rec, const Leader& leader) {
  rec.target = leader.name;
  rec.injected_at = wall_now();
  if (auto err = signal_replica(leader.index, SIGSTOP); !err.empty()) {
    rec.note += err + "; ";
    return;
  }
  rec.measured_from = wall_now();
  Restore cont([&] {
    if (auto err = signal_replica(leader.index, SIGCONT); !err.empty()) rec.note += err + "; ";
  });
  // Frozen past its session timeout, and until another replica leads: when it wakes up it is a
  // zombie that must find itself fenced out.
  const double session_s = cluster_.session_timeout_ms() / 1000.0;
  wait_until(rec.injected_at + options_.recover_s, [&] {
    return wall_now() >= rec.measured_from + session_s + 1.0 &&
           new_leader_seen(leader.index, rec.measured_from);
  });
  if (!new_leader_seen(leader.index, rec.measured_from)) no_takeover(rec, "was frozen");
  cont.now();
  const double resumed = wall_now();
  if (wait_rejoined(rec, leader.index, resumed)) {
    if (auto claimed = replicas_[leader.index - 1]->first_role_at_or_after(Role::Leader, resumed);
        claimed && ms_between(resumed, *claimed) <= *rec.rejoin_ms) {
      rec.note += "the zombie answered /leaderhealth 200 after SIGCONT before stepping down; ";
    }
  }
}

void FaultRunner::partition(FaultRecord& rec, const Leader& leader) {
  const std::string link = cluster_.replica(leader.index).link;
  rec.target = leader.name + " (" + link + ")";
  const std::string log = cluster_.run_dir() + "/drill.log";
  rec.injected_at = wall_now();
  if (auto err = run_command({"ip", "link", "set", link, "down"}, {}, log); !err.empty()) {
    rec.note += err + "; ";
    return;
  }
  // From the moment the link is down: what the replica sent before still reaches the others.
  rec.measured_from = wall_now();
  Restore up([&] {
    if (auto err = run_command({"ip", "link", "set", link, "up"}, {}, log); !err.empty()) {
      rec.note += err + "; ";
    }
  });
  const double session_s = cluster_.session_timeout_ms() / 1000.0;
  wait_until(rec.injected_at + options_.recover_s, [&] {
    return wall_now() >= rec.measured_from + session_s + 1.0 &&
           new_leader_seen(leader.index, rec.measured_from);
  });
  if (!new_leader_seen(leader.index, rec.measured_from)) no_takeover(rec, "was cut off");
  up.now();
  wait_rejoined(rec, leader.index, wall_now());
}

void FaultRunner::zk_leader_fault(FaultRecord& rec) {
  rec.injected_at = rec.measured_from = wall_now();
  auto z = zk_leader();
  if (!z) {
    rec.note += "no ZooKeeper server reported Mode: leader; ";
    return;
  }
  const std::string name = "zk-" + std::to_string(*z);
  rec.target = name;
  rec.injected_at = rec.measured_from = wall_now();
  if (auto err = signal_named(cluster_, name, "/" + name + "/zoo.cfg", SIGKILL); !err.empty()) {
    rec.note += err + "; ";
    return;
  }
  Restore start([&] {
    if (auto err = cluster_.tool({"start", name}); !err.empty()) rec.note += err + "; ";
  });
  // The other two elect a new ZooKeeper leader; the old one comes back a while after that.
  wait_until(rec.injected_at + options_.recover_s, [&] {
    for (int i = 1; i <= 3; ++i) {
      if (i == *z) continue;
      auto mode = zk_mode(cluster_.zk_port(i), 1000ms);
      if (!mode || (*mode != "leader" && *mode != "follower")) return false;
    }
    return true;
  });
  wait_until(wall_now() + 1.0, [] { return false; });
  start.now();
}

void FaultRunner::zk_quorum(FaultRecord& rec) {
  const int a = zk_leader().value_or(1);
  const int b = a % 3 + 1;
  const std::string name_a = "zk-" + std::to_string(a), name_b = "zk-" + std::to_string(b);
  rec.target = name_a + "," + name_b;
  rec.injected_at = wall_now();
  // Times count from the first server back: with it the quorum can form again.
  Restore start([&] {
    for (const auto& name : {name_a, name_b}) {
      if (auto err = cluster_.tool({"start", name}); !err.empty()) rec.note += err + "; ";
      if (rec.measured_from == 0) rec.measured_from = wall_now();
    }
  });
  for (const auto& name : {name_a, name_b}) {
    if (auto err = cluster_.tool({"stop", name}); !err.empty()) rec.note += err + "; ";
  }
  // The quorum is gone once the second server is: the first one's peers still had two of three.
  const double lost_at = wall_now();
  const double session_s = cluster_.session_timeout_ms() / 1000.0;
  const double quiet_from = lost_at + session_s;
  wait_until(quiet_from + 2.0, [] { return false; });
  // Without a quorum the leader is suspended at once and resigns within the session timeout:
  // nothing may be launched after that until the quorum is back.
  const double quiet_to = wall_now();
  mesos_.catch_up();
  if (const size_t n = mesos_.launches_between(quiet_from, quiet_to); n > 0 && !interrupted_) {
    violations_.add("quorum_fence",
                    std::to_string(n) + " launch(es) more than the session timeout after " +
                        "ZooKeeper lost its quorum (fault #" + std::to_string(rec.number) + ")");
  }
  for (const auto& w : replicas_) {
    if (auto at = w->first_role_at_or_after(Role::Leader, quiet_from); at && *at <= quiet_to) {
      rec.note += w->replica().name + " still answered /leaderhealth 200 " +
                  std::to_string(static_cast<long>(ms_between(lost_at, *at))) +
                  " ms into the quorum loss; ";
    }
  }
  start.now();
}

void FaultRunner::pg_restart(FaultRecord& rec) {
  rec.target = "postgres";
  rec.injected_at = wall_now();
  if (auto err = cluster_.tool({"restart", "postgres"}); !err.empty()) rec.note += err + "; ";
  rec.measured_from = wall_now();
}

// Times from the promotion, which tools/cluster writes to <run>/pg-promoted-at (seconds since
// the epoch) before it re-bases the old primary as the new standby.
void FaultRunner::pg_promote(FaultRecord& rec) {
  rec.target = "postgres";
  rec.injected_at = wall_now();
  if (auto err = cluster_.tool({"pg-promote"}); !err.empty()) rec.note += err + "; ";
  rec.measured_from = rec.injected_at;
  if (auto at = read_first_line(cluster_.run_dir() + "/pg-promoted-at")) {
    try {
      rec.measured_from = std::stod(*at);
    } catch (const std::exception&) {
      rec.note += "pg-promoted-at unreadable; ";
    }
  }
}

FaultRecord FaultRunner::run(int number, FaultKind kind) {
  FaultRecord rec;
  rec.number = number;
  rec.kind = kind;
  auto leader = find_leader();
  if (!leader && wait_for_leader().empty()) leader = find_leader();
  if (!leader) {
    rec.note = interrupted_ ? "interrupted; " : "no leader before the fault; ";
    if (!interrupted_)
      violations_.add("recovery", "fault #" + std::to_string(number) + ": no leader");
    return rec;
  }
  rec.leader_before = leader->name;
  rec.epoch_before = leader->epoch;
  int excluded = 0;
  switch (kind) {
    case FaultKind::Kill:
      kill(rec, *leader);
      excluded = leader->index;
      break;
    case FaultKind::Stop:
      stop(rec, *leader);
      excluded = leader->index;
      break;
    case FaultKind::Partition:
      partition(rec, *leader);
      excluded = leader->index;
      break;
    case FaultKind::ZkLeader:
      zk_leader_fault(rec);
      break;
    case FaultKind::ZkQuorum:
      zk_quorum(rec);
      break;
    case FaultKind::PgRestart:
      pg_restart(rec);
      break;
    case FaultKind::PgPromote:
      pg_promote(rec);
      break;
    case FaultKind::MesosFailover:
      mesos_faults_.master_failover(rec);
      break;
    case FaultKind::AgentLoss:
      mesos_faults_.agent_loss(rec);
      break;
  }
  settle(rec, excluded);
  return rec;
}

}  // namespace scale::drill
