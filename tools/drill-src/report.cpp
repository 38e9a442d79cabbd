#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>

#include "report_summary.h"

namespace scale::drill {
namespace {

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

// "3 COMPLETED, 1 CANCELED" from the audit's counts.
std::string statuses_text(const AuditResult& audit) {
  std::string statuses;
  for (const auto& [status, n] : audit.by_status) {
    statuses += (statuses.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  }
  return statuses;
}

// The /v6/status/ polls of every replica, summed: "N polls, M x 200, oldest 200 A s, S over".
std::string polls_text(const Report& r) {
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
  return std::to_string(polls) + " polls, " + std::to_string(ok) + " x 200, oldest 200 " + age +
         " s, " + std::to_string(stale) + " over the limit";
}

std::string framework_text(const AuditResult& audit) {
  std::string ids;
  for (const auto& id : audit.framework.ids) ids += (ids.empty() ? "" : ", ") + id;
  return (ids.empty() ? std::string("none seen") : ids) + "; " +
         std::to_string(audit.framework.subscriptions) + " (re)subscriptions seen";
}

std::string checks_text(const Report& r) {
  auto count = [&](const std::string& check) {
    return std::count_if(r.violations.begin(), r.violations.end(),
                         [&](const Violation& v) { return v.check == check; });
  };
  size_t settled = std::count_if(r.faults.begin(), r.faults.end(),
                                 [](const FaultRecord& f) { return f.settled; });
  std::string t;
  auto line = [&](const std::string& name, const std::string& check, const std::string& detail) {
    t += pad(name, 24) + pad(count(check) ? "VIOLATED" : "ok", 10) + detail + "\n";
  };
  line("no job lost", "no_job_lost",
       std::to_string(r.audit.submitted) + " submitted (" + statuses_text(r.audit) + "), " +
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
  if (r.audit.framework.known) line("one framework id", "one_framework", framework_text(r.audit));
  line("fresh /v6/status/", "status_fresh", polls_text(r));
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
      "from PostgreSQL back, pg-promote: from the standby's promotion), median / "
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

}  // namespace scale::drill
