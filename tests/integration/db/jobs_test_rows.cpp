#include "tests/integration/db/jobs_test_rows.h"

#include <chrono>

namespace scale::db::testing {

void set_status(Connection& conn, long long id, const std::string& status) {
  conn.exec(
      "UPDATE job SET status = $2, epoch = 7,"
      " started_at = CASE WHEN $2 = 'QUEUED' THEN NULL ELSE now() END,"
      " ended_at = CASE WHEN $2 IN ('QUEUED', 'RUNNING') THEN NULL ELSE now() END"
      " WHERE id = $1",
      {std::to_string(id), status});
}

void add_execution(Connection& conn, long long job_id, int exe_num, const std::string& state) {
  const std::string job = std::to_string(job_id);
  const std::string exe = std::to_string(exe_num);
  conn.exec(
      "INSERT INTO job_exe (job_id, exe_num, task_id, agent_id, state, epoch, launch_epoch, cpus,"
      " mem) VALUES ($1, $2, $3, 'agent-1', $4, 7, 7, 1, 128)",
      {job, exe, "scale_job_" + job + "_" + exe, state});
}

long long add_node(Connection& conn, const std::string& agent_id, const std::string& hostname,
                   double cpus, double mem) {
  return conn
      .exec(
          "INSERT INTO node (agent_id, hostname, cpus, mem, disk, epoch)"
          " VALUES ($1, $2, $3, $4, 1000, 7) RETURNING id",
          {agent_id, hostname, std::to_string(cpus), std::to_string(mem)})
      .integer(0, 0);
}

void set_cluster_resources(Connection& conn, double cpus, double mem, double disk, double gpus) {
  conn.exec(
      "UPDATE cluster_resources SET cpus = $1, mem = $2, disk = $3, gpus = $4, epoch = 7,"
      " updated_at = now() WHERE id = 1",
      {std::to_string(cpus), std::to_string(mem), std::to_string(disk), std::to_string(gpus)});
}

std::optional<Notification> next_notification(Connection& listener) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto got = listener.wait_notifications(std::chrono::milliseconds(250));
    if (!got.empty()) return got.front();
  }
  return std::nullopt;
}

}  // namespace scale::db::testing
