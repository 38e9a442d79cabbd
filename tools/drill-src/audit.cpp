#include "audit.h"

#include <chrono>
#include <thread>
#include <unordered_map>

#include "db/connection.h"
#include "db/epoch_audit.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

constexpr int kListed = 20;  // offending ids named in a violation

std::string int_array(const std::vector<long long>& ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

// A PostgreSQL array literal of arbitrary strings: each element double-quoted and escaped.
std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

long unfinished(db::Connection& conn, const std::string& ids) {
  return conn
      .exec(
          "SELECT count(*) FROM job WHERE id = ANY($1::bigint[]) AND status IN "
          "('QUEUED', 'RUNNING')",
          {ids})
      .integer(0, 0);
}

// The jobs the drain left unfinished, each with the state of its last execution: a job stuck
// behind an execution nobody will ever answer for shows here.
std::string unfinished_detail(db::Connection& conn, const std::string& ids) {
  const auto rows = conn.exec(
      "SELECT j.id, j.status, coalesce(e.state, 'none') FROM job j LEFT JOIN LATERAL (SELECT "
      "state FROM job_exe WHERE job_exe.job_id = j.id ORDER BY exe_num DESC LIMIT 1) e ON true "
      "WHERE j.id = ANY($1::bigint[]) AND j.status IN ('QUEUED', 'RUNNING') ORDER BY j.id LIMIT " +
          std::to_string(kListed),
      {ids});
  std::string out;
  for (int i = 0; i < rows.rows(); ++i) {
    out += (i ? ", " : "") + rows.text(i, 0) + " (" + rows.text(i, 1) + ", last execution " +
           rows.text(i, 2) + ")";
  }
  return out;
}

// Waits up to drain_s for the submitted jobs to end; how long it waited.
double drain(db::Connection& conn, const std::string& ids, int drain_s,
             const std::atomic<bool>& interrupted) {
  const auto drain_start = std::chrono::steady_clock::now();
  const auto drain_end = drain_start + std::chrono::seconds(drain_s);
  while (!interrupted && std::chrono::steady_clock::now() < drain_end &&
         unfinished(conn, ids) > 0) {
    std::this_thread::sleep_for(500ms);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - drain_start).count();
}

// No job lost: every id the API gave back still has its row, in some status.
void audit_lost_jobs(db::Connection& conn, const std::string& ids, AuditResult& r,
                     Violations& violations) {
  const auto statuses = conn.exec(
      "SELECT status, count(*) FROM job WHERE id = ANY($1::bigint[]) GROUP BY status", {ids});
  long found = 0;
  for (int i = 0; i < statuses.rows(); ++i) {
    r.by_status[statuses.text(i, 0)] = statuses.integer(i, 1);
    found += statuses.integer(i, 1);
  }
  r.lost = r.submitted - found;
  if (r.lost <= 0) return;
  const auto missing = conn.exec(
      "SELECT x FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM job WHERE "
      "job.id = x) ORDER BY x LIMIT " +
          std::to_string(kListed),
      {ids});
  std::string list;
  for (int i = 0; i < missing.rows(); ++i) list += (i ? ", " : "") + missing.text(i, 0);
  violations.add("no_job_lost", std::to_string(r.lost) + " submitted job(s) have no row: " + list);
}

// No execution launched twice; the task ids Mesos saw launched.
std::vector<std::string> audit_double_launches(MesosWatch& mesos, AuditResult& r,
                                               Violations& violations) {
  mesos.catch_up();
  const auto launches = mesos.launches();
  r.launches = static_cast<long>(launches.size());
  std::unordered_map<std::string, int> times;
  for (const auto& l : launches) ++times[l.task_id];
  std::vector<std::string> task_ids;
  std::string twice;
  for (const auto& [task, n] : times) {
    task_ids.push_back(task);
    if (n > 1) {
      if (++r.duplicate_task_ids <= kListed)
        twice += (twice.empty() ? "" : ", ") + task + " x" + std::to_string(n);
    }
  }
  r.mesos_duplicates = mesos.duplicate_launches();
  if (r.duplicate_task_ids > 0 || r.mesos_duplicates > 0) {
    violations.add("no_double_launch", std::to_string(r.duplicate_task_ids) +
                                           " task id(s) launched more than once (" + twice + "); " +
                                           r.launch_source + "'s own count " +
                                           std::to_string(r.mesos_duplicates));
  }
  return task_ids;
}

// Every launch was written ahead: its job_exe row exists.
void audit_write_ahead(db::Connection& conn, const std::vector<std::string>& task_ids,
                       AuditResult& r, Violations& violations) {
  if (task_ids.empty()) return;
  const auto orphans = conn.exec(
      "SELECT t FROM unnest($1::text[]) AS t WHERE NOT EXISTS (SELECT 1 FROM job_exe WHERE "
      "job_exe.task_id = t) ORDER BY t",
      {text_array(task_ids)});
  r.launches_without_row = orphans.rows();
  if (r.launches_without_row <= 0) return;
  std::string list;
  for (int i = 0; i < orphans.rows() && i < kListed; ++i)
    list += (i ? ", " : "") + orphans.text(i, 0);
  violations.add("write_ahead", std::to_string(r.launches_without_row) +
                                    " launch(es) with no job_exe row: " + list);
}

// Fence 2 after the fact: no leader-owned row committed by a term after a newer one was elected.
void audit_stale_epochs(db::Connection& conn, AuditResult& r, Violations& violations) {
  const auto stale = db::EpochAudit::stale_writes(conn, 100);
  r.stale_writes = static_cast<long>(stale.size());
  for (const auto& s : stale) {
    violations.add("stale_epoch", s.table + " row " + std::to_string(s.row_id) + " of epoch " +
                                      std::to_string(s.epoch) + " written at " + s.written_at +
                                      ", after epoch " + std::to_string(s.newer_epoch) +
                                      " was elected at " + s.newer_elected_at);
  }
}

// After the drain exactly one framework of the replicas' name is left subscribed.
void audit_framework(const Cluster& cluster, MesosWatch& mesos, AuditResult& r,
                     Violations& violations, const std::atomic<bool>& interrupted) {
  r.max_live_streams = mesos.max_live_streams();
  r.framework = mesos.framework();
  if (r.framework.known && r.framework.active_at_end != 1 && !interrupted) {
    violations.add("one_framework", std::to_string(r.framework.active_at_end) +
                                        " frameworks named " + cluster.framework_name() +
                                        " active and connected at the master after the drain");
  }
}

}  // namespace

AuditResult audit(const Cluster& cluster, const std::vector<long long>& job_ids, MesosWatch& mesos,
                  Violations& violations, int drain_s, const std::atomic<bool>& interrupted) {
  AuditResult r;
  r.submitted = static_cast<long>(job_ids.size());
  r.launch_source = mesos.name();
  try {
    db::Connection conn(cluster.pg_conninfo());
    const std::string ids = int_array(job_ids);
    r.drain_s = drain(conn, ids, drain_s, interrupted);
    r.unfinished = unfinished_detail(conn, ids);
    audit_lost_jobs(conn, ids, r, violations);
    const auto task_ids = audit_double_launches(mesos, r, violations);
    audit_write_ahead(conn, task_ids, r, violations);
    audit_stale_epochs(conn, r, violations);
    r.db_ok = true;
  } catch (const std::exception& e) {
    r.db_error = e.what();
    violations.add("audit", std::string("could not audit the database: ") + e.what());
  }
  audit_framework(cluster, mesos, r, violations, interrupted);
  return r;
}

}  // namespace scale::drill
