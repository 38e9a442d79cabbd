#pragma once

// The emulated Mesos master: a single-threaded state machine. Every entry point takes the current
// monotonic time, so unit tests drive it without HTTP or real clocks. Events leave through a
// StreamSink; HTTP framing and threads are the front's business (http_front.h).
//
// Source files by topic: master.cpp (subscriptions, call dispatch, framework lifecycle, timers),
// offers.cpp (allocation, ACCEPT/DECLINE, filters, suppress/revive), tasks.cpp (launch, update
// streams, acks), executor.cpp (task progress, container launch failures, kill grace),
// reconcile.cpp (spec A.10), faults.cpp (/sim/ faults),
// state_json.cpp (/sim/state).

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "call.h"
#include "config.h"
#include "events.h"
#include "journal.h"
#include "model.h"

namespace mesos_sim {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void send(const std::string& stream_id, const std::string& event_json) = 0;
  virtual void close(const std::string& stream_id) = 0;  // ends the HTTP response
};

struct Reply {
  int status = 202;
  std::string body;
};

class Master {
 public:
  Master(const Config& config, MasterInfo info, StreamSink& sink, Journal& journal, Millis now);

  std::string new_stream_id();
  // SUBSCRIBE whose stateless checks passed: the front has opened `stream_id`; the master answers
  // on it (SUBSCRIBED + HEARTBEAT, or one ERROR and close). `principal`: the authenticated one
  // (--credentials), which fills in an unset FrameworkInfo.principal.
  void subscribe(const Call& call, const std::string& stream_id, Millis now,
                 const std::optional<std::string>& principal = std::nullopt);
  // Any other call: framework lookup, principal, subscription and stream-id checks (A.14), then
  // dispatch.
  Reply call(const Call& call, const std::optional<std::string>& stream_id, Millis now,
             const std::optional<std::string>& principal = std::nullopt);
  // The HTTP connection of a stream went away.
  void stream_closed(const std::string& stream_id, Millis now);
  void tick(Millis now);  // timers: tasks, redelivery, heartbeats, failover timeouts, offers

  // Fault injection (/sim/). An empty framework id means all frameworks.
  void set_heartbeats(const std::string& framework_id, bool enabled);
  void close_streams(const std::string& framework_id, Millis now);
  // Agents re-register at uniform random times in [min_ms, window_ms] from now.
  void failover(Millis min_ms, Millis window_ms, Millis now);
  bool remove_agent(const std::string& agent_id, AgentState how);
  // An unreachable agent re-registers with its tasks (B.4); false unless it is UNREACHABLE.
  bool restore_agent(const std::string& agent_id, Millis now);
  void rescind_offers(const std::string& framework_id);
  std::string state_json() const;

  // For unit tests.
  const std::unordered_map<std::string, Framework>& frameworks() const { return frameworks_; }
  const std::vector<Agent>& agents() const { return agents_; }
  const std::unordered_map<std::string, Offer>& offers() const { return offers_; }
  const Task* find_task(const std::string& framework_id, const std::string& task_id) const;

 private:
  enum class TimerKind { START, FINISH, RETRY, ESCALATE };
  struct Timer {
    Millis at;
    TimerKind kind;
    uint64_t serial;  // Task::serial
    uint64_t generation;
    bool operator>(const Timer& o) const { return at > o.at; }
  };

  // master.cpp
  void dispatch(Framework& fw, const Call& call, Millis now);
  Reply update_framework(Framework& fw, const Call& call);
  void send(Framework& fw, const std::string& event);
  void disconnect(Framework& fw, Millis now);
  void remove_framework(Framework& fw);
  void heartbeat_and_expire(Millis now);
  Framework& recover_framework(const std::string& framework_id);
  std::string random_uuid_string();
  // offers.cpp
  void allocate(Millis now);
  bool filtered(const Framework& fw, int agent, const Resources& free, Millis now) const;
  std::string offer_error(const Framework& fw, const std::vector<std::string>& ids) const;
  void accept(Framework& fw, const Call& call, Millis now);
  void decline(Framework& fw, const Call& call, Millis now);
  void suppress(Framework& fw, const std::vector<std::string>& roles);
  void revive(Framework& fw, const std::vector<std::string>& roles);
  void remove_offer(const std::string& offer_id, bool rescind);
  void remove_offers_of(Framework& fw, bool rescind);
  void add_filter(Framework& fw, int agent, const Resources& refused,
                  std::optional<double> refuse_seconds, Millis now);
  // tasks.cpp
  void reject_operation_ids(Framework& fw, const Call& call, int agent);
  void launch_tasks(Framework& fw, const Operation& op, int agent, const std::string& role,
                    Resources* available, Millis now);
  void start_task(Framework& fw, const TaskLaunch& launch, int agent, Millis now);
  std::string validate_task(const Framework& fw, const TaskLaunch& task, int agent,
                            const Resources& available, const std::string& role) const;
  void push_update(Task& task, TaskState state, const std::string& reason,
                   const std::string& message, Millis now, const char* source = "SOURCE_EXECUTOR");
  void deliver_head(Task& task, Millis now);
  void deliver_all_heads(const std::string& framework_id, Millis now);
  void acknowledge(Framework& fw, const Call& call, Millis now);
  void erase_task(Task& task);
  void master_update(Framework& fw, const std::string& task_id, const std::string& agent_id,
                     TaskState state, const std::string& reason, const std::string& message,
                     double unreachable_time = -1);
  Task* task_of(const std::string& framework_id, const std::string& task_id);
  // executor.cpp
  void run_timers(Millis now);
  void start_process(Task& task, Millis now);
  void kill(Framework& fw, const Call& call, Millis now);
  void schedule_sigkill(Task& task, Millis at);
  // reconcile.cpp
  void reconcile(Framework& fw, const Call& call);
  void reconcile_one(Framework& fw, const ReconcileTask& task);
  bool any_agent_recovering() const;
  // faults.cpp
  void reregister_agents(Millis now);

  int agent_index(const std::string& agent_id) const;  // -1 when unknown

  Config config_;
  MasterInfo info_;
  StreamSink& sink_;
  Journal& journal_;
  std::mt19937_64 rng_;         // task durations and failures (--seed)
  std::random_device entropy_;  // stream ids and master ids: unique across runs
  std::vector<Agent> agents_;
  std::unordered_map<std::string, int> agent_by_id_;
  std::unordered_map<std::string, Framework> frameworks_;
  std::unordered_set<std::string> removed_frameworks_;
  std::unordered_map<std::string, Offer> offers_;
  std::unordered_map<std::string, std::unordered_map<std::string, Task>> tasks_;  // by framework
  std::unordered_map<std::string, std::string> stream_owner_;  // open stream -> framework
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::unordered_map<uint64_t, Task*> task_by_serial_;  // nodes of tasks_ are stable
  uint64_t next_serial_ = 1;
  // 64-bit hashes of every (framework, task) ever launched, for duplicate_launches (a collision
  // is negligible at these sizes and far cheaper than keeping the strings).
  std::unordered_set<uint64_t> launched_;
  uint64_t duplicate_launches_ = 0;
  uint64_t acknowledgements_ = 0;  // ACKNOWLEDGEs that matched a pending update
  uint64_t next_framework_ = 0, next_offer_ = 0;
  uint64_t subscriptions_total_ = 0;
  int recovering_agents_ = 0;
  size_t allocation_cursor_ = 0;
  Millis next_allocation_ = 0;
};

}  // namespace mesos_sim
