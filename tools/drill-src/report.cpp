#include "report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>

namespace scale::drill {
namespace {

struct Spread {
  size_t n = 0;
  double median = 0, worst = 0;
};

Spread spread(std::vector<double> v) {
  Spread s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.worst = v.back();
  return s;
}

std::vector<double> values(const std::vector<const FaultRecord*>& recs,
                           std::optional<double> FaultRecord::*field) {
  std::vector<double> out;
  for (const auto* r : recs) {
    if (r->*field) out.push_back(*(r->*field));
  }
  return out;
}

std::string ms(double v) {
  return std::to_string(static_cast<long long>(std::llround(v)));
}

std::string cell(const Spread& s) {
  if (s.n == 0) return "-";
  return ms(s.median) + " / " + ms(s.worst);
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

struct KindSummary {
  FaultKind kind;
  std::vector<const FaultRecord*> recs;
  size_t settled = 0, new_term = 0;
  Spread leader, status, launch, rejoin;
};

std::vector<KindSummary> summarize(const Report& report) {
  std::vector<KindSummary> out;
  for (FaultKind kind : report.options.kinds) {
    KindSummary k{kind, {}, 0, 0, {}, {}, {}, {}};
    for (const auto& r : report.faults) {
      if (r.kind != kind) continue;
      k.recs.push_back(&r);
      if (r.settled) ++k.settled;
      if (r.leader_ms && r.epoch_after != r.epoch_before) ++k.new_term;
    }
    if (k.recs.empty()) continue;
    k.leader = spread(values(k.recs, &FaultRecord::leader_ms));
    k.status = spread(values(k.recs, &FaultRecord::status_ms));
    k.launch = spread(values(k.recs, &FaultRecord::launch_ms));
    k.rejoin = spread(values(k.recs, &FaultRecord::rejoin_ms));
    out.push_back(std::move(k));
  }
  return out;
}

std::string checks_text(const Report& r) {
  auto count = [&](const std::string& check) {
    return std::count_if(r.violations.begin(), r.violations.end(),
                         [&](const Violation& v) { return v.check == check; });
  };
  auto verdict = [&](const std::string& check) {
    return count(check) ? std::string("VIOLATED") : std::string("ok");
  };
  std::string statuses;
  for (const auto& [status, n] : r.audit.by_status) {
    statuses += (statuses.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  }
  long polls = 0, ok = 0, stale = 0;
  double worst_age = 0;
  for (const auto& [name, c] : r.status) {
    polls += c.polls;
    ok += c.ok;
    stale += c.stale_ok;
    worst_age = std::max(worst_age, c.worst_age_ok);
  }
  char age[32];
  std::snprintf(age, sizeof age, "%.2f", worst_age);
  size_t settled = std::count_if(r.faults.begin(), r.faults.end(),
                                 [](const FaultRecord& f) { return f.settled; });
  std::string t;
  auto line = [&](const std::string& name, const std::string& check, const std::string& detail) {
    t += pad(name, 24) + pad(verdict(check), 10) + detail + "\n";
  };
  line("no job lost", "no_job_lost",
       std::to_string(r.audit.submitted) + " submitted (" + statuses + "), " +
           std::to_string(r.audit.lost) + " lost");
  line("no double launch", "no_double_launch",
       std::to_string(r.audit.launches) + " launches " +
           (r.real_mesos ? "the master listed" : "journaled") + ", " +
           std::to_string(r.audit.duplicate_task_ids) + " task ids twice");
  line("launch written ahead", "write_ahead",
       std::to_string(r.audit.launches_without_row) + " launches without a job_exe row");
  line("no stale-epoch write", "stale_epoch",
       std::to_string(r.audit.stale_writes) + " rows (db::EpochAudit)");
  line("one Mesos subscription", "one_subscription",
       "at most " + std::to_string(r.audit.max_live_streams) + " live at once");
  if (r.audit.framework.known) {
    std::string ids;
    for (const auto& id : r.audit.framework.ids) ids += (ids.empty() ? "" : ", ") + id;
    line("one framework id", "one_framework",
         (ids.empty() ? std::string("none seen") : ids) + "; " +
             std::to_string(r.audit.framework.subscriptions) + " (re)subscriptions seen");
  }
  line("fresh /v6/status/", "status_fresh",
       std::to_string(polls) + " polls, " + std::to_string(ok) + " x 200, oldest 200 " + age +
           " s, " + std::to_string(stale) + " over the limit");
  line("no launch w/o quorum", "quorum_fence", "zk-quorum faults");
  line("failover", "failover", "another replica leads while the old leader is out");
  line("recovery", "recovery",
       std::to_string(settled) + "/" + std::to_string(r.faults.size()) + " faults settled");
  if (count("audit")) line("audit", "audit", r.audit.db_error);
  return t;
}

}  // namespace

std::string fault_line(const FaultRecord& rec, int total) {
  auto opt = [](const std::optional<double>& v) { return v ? ms(*v) + " ms" : std::string("-"); };
  std::string leader = "no leader confirmed";
  if (rec.leader_ms) {
    leader = "leader " + rec.leader_after + " (epoch " + std::to_string(rec.epoch_after) +
             (rec.epoch_after == rec.epoch_before ? ", same term" : ", new term") + ") in " +
             opt(rec.leader_ms);
  }
  std::string s = "drill: fault " + std::to_string(rec.number) + "/" + std::to_string(total) + " " +
                  kind_name(rec.kind) + " " + (rec.target.empty() ? "-" : rec.target) + ": " +
                  leader + ", status " + opt(rec.status_ms) + ", first launch " +
                  opt(rec.launch_ms);
  if (rec.rejoin_ms) s += ", victim rejoined in " + opt(rec.rejoin_ms);
  if (!rec.settled) s += ", NOT SETTLED";
  if (!rec.note.empty()) s += " [" + rec.note.substr(0, rec.note.size() - 2) + "]";
  return s;
}

std::string text_report(const Report& r) {
  std::string t;
  char head[512];
  std::snprintf(
      head, sizeof head,
      "Failover drill: %zu faults in %.0f s, load %.1f jobs/s, session timeout %d ms%s%s%s\n"
      "Times in ms from the fault (zk-quorum: from the first ZooKeeper server back, pg-restart: "
      "from PostgreSQL back), median / "
      "worst.\n\n",
      r.faults.size(), r.duration_s, r.options.rate, r.session_timeout_ms,
      r.real_mesos ? ", real Mesos" : "", r.netns ? ", replicas in network namespaces" : "",
      r.interrupted ? " (INTERRUPTED)" : "");
  t += head;
  t += pad("kind", 16) + pad("n", 4) + pad("settled", 9) + pad("new term", 10) +
       pad("new leader", 15) + pad("status write", 15) + pad("first launch", 15) + "victim back\n";
  for (const auto& k : summarize(r)) {
    t += pad(kind_name(k.kind), 16) + pad(std::to_string(k.recs.size()), 4) +
         pad(std::to_string(k.settled), 9) + pad(std::to_string(k.new_term), 10) +
         pad(cell(k.leader), 15) + pad(cell(k.status), 15) + pad(cell(k.launch), 15) +
         cell(k.rejoin) + "\n";
  }
  t += "\nLoad: " + std::to_string(r.load.accepted) + " jobs accepted of " +
       std::to_string(r.load.attempted) + " submits";
  for (const auto& [code, n] : r.load.rejected) {
    t += ", " + std::to_string(n) + " x HTTP " + std::to_string(code);
  }
  t += ", " + std::to_string(r.load.no_answer) + " unanswered";
  for (const auto& [code, body] : r.load.first_body) {
    t += "\n  first HTTP " + std::to_string(code) + ": " + body;
  }
  if (!r.load.first_error.empty()) t += "\n  first unanswered: " + r.load.first_error;
  if (r.load.skipped) t += ", " + std::to_string(r.load.skipped) + " slots skipped";
  char drain[64];
  std::snprintf(drain, sizeof drain, "; drained for %.0f s\n", r.audit.drain_s);
  t += drain;
  if (!r.audit.unfinished.empty()) t += "Unfinished after the drain: " + r.audit.unfinished + "\n";
  t += "\n";
  t += checks_text(r);
  if (r.violations.empty()) {
    t += "\nNo violation.\n";
  } else {
    t += "\n" + std::to_string(r.violations.size()) + " violation(s):\n";
    for (const auto& v : r.violations) t += "  [" + v.check + "] " + v.detail + "\n";
  }
  return t;
}

std::string json_report(const Report& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto opt = [&](const char* key, const std::optional<double>& v) {
    w.Key(key);
    if (v) {
      w.Int64(std::llround(*v));
    } else {
      w.Null();
    }
  };
  auto spread_json = [&](const char* key, const Spread& s) {
    w.Key(key);
    if (s.n == 0) return static_cast<void>(w.Null());
    w.StartObject();
    w.Key("n");
    w.Uint64(s.n);
    w.Key("median_ms");
    w.Int64(std::llround(s.median));
    w.Key("worst_ms");
    w.Int64(std::llround(s.worst));
    w.EndObject();
  };
  w.StartObject();
  w.Key("ok");
  w.Bool(r.violations.empty() && !r.interrupted);
  w.Key("interrupted");
  w.Bool(r.interrupted);
  w.Key("duration_s");
  w.Double(std::round(r.duration_s * 10) / 10);
  w.Key("rate");
  w.Double(r.options.rate);
  w.Key("session_timeout_ms");
  w.Int(r.session_timeout_ms);
  w.Key("netns");
  w.Bool(r.netns);
  w.Key("mesos");
  w.String(r.real_mesos ? "real" : "sim");
  w.Key("summary");
  w.StartObject();
  for (const auto& k : summarize(r)) {
    w.Key(kind_name(k.kind));
    w.StartObject();
    w.Key("faults");
    w.Uint64(k.recs.size());
    w.Key("settled");
    w.Uint64(k.settled);
    w.Key("new_term");
    w.Uint64(k.new_term);
    spread_json("leader", k.leader);
    spread_json("status_write", k.status);
    spread_json("first_launch", k.launch);
    spread_json("victim_rejoined", k.rejoin);
    w.EndObject();
  }
  w.EndObject();
  w.Key("faults");
  w.StartArray();
  for (const auto& f : r.faults) {
    w.StartObject();
    w.Key("number");
    w.Int(f.number);
    w.Key("kind");
    w.String(kind_name(f.kind));
    w.Key("target");
    w.String(f.target);
    w.Key("injected_at");
    w.Double(f.injected_at);
    w.Key("measured_from");
    w.Double(f.measured_from);
    opt("leader_ms", f.leader_ms);
    opt("status_ms", f.status_ms);
    opt("launch_ms", f.launch_ms);
    opt("rejoin_ms", f.rejoin_ms);
    w.Key("leader_before");
    w.String(f.leader_before);
    w.Key("epoch_before");
    w.Int64(f.epoch_before);
    w.Key("leader_after");
    w.String(f.leader_after);
    w.Key("epoch_after");
    w.Int64(f.epoch_after);
    w.Key("settled");
    w.Bool(f.settled);
    w.Key("note");
    w.String(f.note);
    w.EndObject();
  }
  w.EndArray();
  w.Key("load");
  w.StartObject();
  w.Key("attempted");
  w.Int64(r.load.attempted);
  w.Key("accepted");
  w.Int64(r.load.accepted);
  w.Key("no_answer");
  w.Int64(r.load.no_answer);
  w.Key("skipped");
  w.Int64(r.load.skipped);
  w.Key("rejected");
  w.StartObject();
  for (const auto& [code, n] : r.load.rejected) {
    w.Key(std::to_string(code).c_str());
    w.Int64(n);
  }
  w.EndObject();
  w.EndObject();
  w.Key("audit");
  w.StartObject();
  w.Key("submitted");
  w.Int64(r.audit.submitted);
  w.Key("by_status");
  w.StartObject();
  for (const auto& [status, n] : r.audit.by_status) {
    w.Key(status.c_str());
    w.Int64(n);
  }
  w.EndObject();
  w.Key("lost");
  w.Int64(r.audit.lost);
  w.Key("unfinished");
  w.String(r.audit.unfinished);
  w.Key("launches");
  w.Int64(r.audit.launches);
  w.Key("duplicate_task_ids");
  w.Int64(r.audit.duplicate_task_ids);
  w.Key(r.real_mesos ? "master_listed_twice" : "emulator_duplicate_launches");
  w.Int64(r.audit.mesos_duplicates);
  w.Key("launches_without_row");
  w.Int64(r.audit.launches_without_row);
  w.Key("stale_epoch_writes");
  w.Int64(r.audit.stale_writes);
  w.Key("max_live_subscriptions");
  w.Int(r.audit.max_live_streams);
  if (r.audit.framework.known) {
    w.Key("framework_ids");
    w.StartArray();
    for (const auto& id : r.audit.framework.ids) w.String(id);
    w.EndArray();
    w.Key("subscriptions_seen");
    w.Int64(r.audit.framework.subscriptions);
  }
  w.Key("drain_s");
  w.Double(std::round(r.audit.drain_s * 10) / 10);
  w.EndObject();
  w.Key("status_polls");
  w.StartObject();
  for (const auto& [name, c] : r.status) {
    w.Key(name.c_str());
    w.StartObject();
    w.Key("polls");
    w.Int64(c.polls);
    w.Key("ok");
    w.Int64(c.ok);
    w.Key("unavailable");
    w.Int64(c.unavailable);
    w.Key("no_answer");
    w.Int64(c.no_answer);
    w.Key("stale_ok");
    w.Int64(c.stale_ok);
    w.Key("oldest_ok_s");
    w.Double(std::round(c.worst_age_ok * 10) / 10);
    w.EndObject();
  }
  w.EndObject();
  w.Key("violations");
  w.StartArray();
  for (const auto& v : r.violations) {
    w.StartObject();
    w.Key("check");
    w.String(v.check);
    w.Key("detail");
    w.String(v.detail);
    w.Key("at");
    w.Double(v.at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace scale::drill
