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
//
// Two answers leave a task's fate open, and such a task is asked about again on a backoff of its
// own (without holding back new launches) until another answer settles it:
//   - TASK_UNKNOWN: the master does not know the task's agent (yet). After a master failover with
//     an in-memory registry every agent is unknown until it re-registers, and its tasks may well
//     be running: giving them up at once would launch their jobs twice. Once the agent is back
//     the answer is its state, or TASK_GONE if it never ran there. Only after `unknown_timeout`
//     of nothing but TASK_UNKNOWN is the task given up (take_given_up) for the leader to finish
//     as lost.
//   - TASK_UNREACHABLE: its agent is partitioned. When the agent comes back the master reports
//     the task if it survived; if the agent lost it, the master says nothing unless asked, and
//     then TASK_GONE.
//
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
    // As long as a Mesos master waits for agents to re-register (--agent_reregister_timeout).
    std::chrono::milliseconds unknown_timeout{std::chrono::minutes(10)};
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
  // What a status update about a task says of its fate.
  enum class Answer { Settled, Unknown, Unreachable };
  static Answer answer_of(const std::string& mesos_state);

  // A status update about a live task (reconciliation answers carry no uuid). Unknown and
  // Unreachable keep it asked about (also when it was not asked: an agent that drops out);
  // Settled ends the asking.
  void answered(const std::string& task_id, Answer answer = Answer::Settled,
                const std::string& agent_id = "", Clock::time_point now = Clock::now());
  // The task is no longer of interest (e.g. the database finished it).
  void forget(const std::string& task_id) { answered(task_id); }
  // Tasks that have been unknown to the master for unknown_timeout: no longer asked about.
  std::vector<Task> take_given_up(Clock::time_point now);

  Due poll(Clock::time_point now);

  // True once every task asked about has answered and the implicit round has been sent.
  bool ready_to_launch() const { return started_ && pending_.empty() && implicit_sent_; }
  size_t pending() const { return pending_.size(); }
  size_t unsettled() const { return unsettled_.size(); }
  // When poll() next has something to send; nullopt when idle until start().
  std::optional<Clock::time_point> next_due() const;

 private:
  Options options_;
  bool started_ = false;
  bool implicit_sent_ = false;
  struct Unsettled {
    std::string agent_id;
    Answer answer = Answer::Unknown;
    Clock::time_point unknown_since;  // first TASK_UNKNOWN in a row of this subscription
  };
  std::unordered_map<std::string, std::string> pending_;  // task id -> agent id
  std::unordered_map<std::string, Unsettled> unsettled_;
  Clock::time_point next_explicit_{};
  std::chrono::milliseconds retry_{0};
  Clock::time_point next_unsettled_{};
  std::chrono::milliseconds unsettled_retry_{0};
  Clock::time_point next_implicit_{};
};

}  // namespace scale::scheduler
