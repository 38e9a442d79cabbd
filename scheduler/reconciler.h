#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace scale::scheduler {

// Task reconciliation after every (re)subscribe (DESIGN.md section 3, spec A.10): explicit
// reconciliation of every non-terminal execution the database knows, re-asked with backoff until
// each task has had an answer, then one implicit reconciliation (so Mesos reports tasks the
// database does not know, which the leader kills), then implicit again periodically.
// New work is launched only once the explicit round is complete and the implicit one was sent.
// Pure bookkeeping: the leader's loop sends the calls and feeds the answers.
class Reconciler {
 public:
  using Clock = std::chrono::steady_clock;

  struct Task {
    std::string task_id;
    std::string agent_id;
    bool operator==(const Task&) const = default;
  };

  struct Options {
    std::chrono::milliseconds first_retry{1000};
    std::chrono::milliseconds max_retry{30000};
    std::chrono::milliseconds implicit_interval{std::chrono::minutes(10)};
  };

  // What the loop must send now.
  struct Due {
    std::vector<Task> explicit_tasks;  // RECONCILE with these tasks (empty: nothing explicit now)
    bool implicit = false;             // RECONCILE with no tasks
  };

  Reconciler() : Reconciler(Options{}) {}
  explicit Reconciler(Options options);

  // A new subscription: every answer so far is void; ask again about all of `tasks`.
  void start(std::vector<Task> tasks, Clock::time_point now);
  // Any status update about the task (reconciliation answers carry no uuid) counts as an answer.
  void answered(const std::string& task_id);
  // The task is no longer of interest (e.g. the database finished it).
  void forget(const std::string& task_id) { answered(task_id); }

  Due poll(Clock::time_point now);

  // True once every task asked about has answered and the implicit round has been sent.
  bool ready_to_launch() const { return started_ && pending_.empty() && implicit_sent_; }
  size_t pending() const { return pending_.size(); }
  // When poll() next has something to send; nullopt when idle until start().
  std::optional<Clock::time_point> next_due() const;

 private:
  Options options_;
  bool started_ = false;
  bool implicit_sent_ = false;
  std::unordered_map<std::string, std::string> pending_;  // task id -> agent id
  Clock::time_point next_explicit_{};
  std::chrono::milliseconds retry_{0};
  Clock::time_point next_implicit_{};
};

}  // namespace scale::scheduler
