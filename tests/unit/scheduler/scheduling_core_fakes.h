#pragma once

// Fakes of the scheduling core's two edges (Mesos and the database) and a fixture that promotes
// a core over them, shared by the scheduling core's unit tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "scheduler/scheduling_core.h"

namespace scale::scheduler::testing {

using namespace std::chrono_literals;
using Clock = SchedulingCore::Clock;

// One ordered log of what reached Mesos and the database, so tests can check "commit before".
using Log = std::vector<std::string>;

class FakeMesos final : public mesos::MesosConnection {
 public:
  explicit FakeMesos(Log& log) : log_(log) {}
  void start(const std::optional<std::string>&, NotificationCallback) override {}
  void stop() override {}
  mesos::ConnectionState state() const override { return mesos::ConnectionState::Subscribed; }
  std::optional<std::string> framework_id() const override { return "fw"; }
  std::optional<mesos::TerminalError> terminal_error() const override { return std::nullopt; }
  mesos::CallLoad call_load() const override { return load; }
  bool accept(const std::vector<std::string>& offer_ids,
              const std::vector<mesos::TaskLaunch>& tasks, std::optional<double>) override {
    accepts.push_back({offer_ids, tasks});
    log_.push_back("accept");
    return true;
  }
  bool decline(const std::vector<std::string>& offer_ids, std::optional<double> refuse) override {
    declines.push_back({offer_ids, refuse.value_or(-1)});
    log_.push_back("decline");
    return true;
  }
  bool suppress(const std::vector<std::string>&) override {
    log_.push_back("suppress");
    return true;
  }
  bool revive(const std::vector<std::string>&) override {
    log_.push_back("revive");
    return true;
  }
  bool kill(const std::string& task_id, const std::string&,
            std::optional<double> grace_s) override {
    log_.push_back("kill " + task_id);
    kill_graces.push_back(grace_s);
    return true;
  }
  bool acknowledge(const mesos::TaskStatus& status) override {
    if (!status.uuid) return false;
    log_.push_back("ack " + status.task_id);
    return true;
  }
  bool reconcile(const std::vector<mesos::TaskToReconcile>& tasks) override {
    log_.push_back(tasks.empty() ? "reconcile implicit" : "reconcile explicit");
    return true;
  }
  bool teardown() override { return true; }

  struct Accept {
    std::vector<std::string> offer_ids;
    std::vector<mesos::TaskLaunch> tasks;
  };
  struct Decline {
    std::vector<std::string> offer_ids;
    double refuse;
  };
  std::vector<Accept> accepts;
  std::vector<Decline> declines;
  std::vector<std::optional<double>> kill_graces;  // of each KILL, in order
  mesos::CallLoad load;                            // what call_load() answers

 private:
  Log& log_;
};

class FakePersistence final : public LeaderPersistence {
 public:
  explicit FakePersistence(Log& log) : log_(log) {}
  TurnResult commit(const TurnWrites& writes) override {
    if (fenced_out) throw db::FencedOut(1, 2);
    if (fail_next) {
      fail_next = false;
      throw db::Error("connection lost", "08006");
    }
    log_.push_back("commit");
    committed.push_back(writes);
    TurnResult result;
    for (const auto& launch : writes.launches) {
      if (std::count(canceled.begin(), canceled.end(), launch.job_id)) continue;
      const std::string task_id = "scale_job_" + std::to_string(launch.job_id) + "_1";
      result.launched.push_back({launch.job_id, 1, task_id, "job " + std::to_string(launch.job_id),
                                 "echo hi", "{}", std::nullopt});
    }
    for (const auto& update : writes.updates) {
      db::UpdateOutcome outcome;
      outcome.task_id = update.task_id;
      outcome.applied = true;
      auto found = outcomes.find(update.task_id);
      if (found != outcomes.end()) outcome = found->second;
      result.outcomes.push_back(outcome);
    }
    if (writes.mark_timeouts) result.timed_out = std::exchange(overdue, {});
    return result;
  }
  std::vector<JobChange> jobs(const std::vector<long long>& ids) override {
    std::vector<JobChange> out;
    for (long long id : ids) out.push_back({entry(id), db::JobStatus::Queued, false});
    return out;
  }
  std::vector<db::KillTarget> jobs_to_kill() override { return {}; }
  std::vector<db::KillTarget> unreachable_expired(double timeout_s) override {
    unreachable_asked.push_back(timeout_s);
    return std::exchange(expired, {});
  }
  db::SchedulerSettings settings() override { return settings_row; }
  std::vector<db::AgentRecord> agents() override { return {}; }
  std::vector<db::QueueEntry> queued_jobs() override { return queued; }
  std::vector<db::ActiveExecution> active_executions() override { return active; }
  std::optional<db::BulkBatch> run_bulk_batch(int limit) override {
    bulk_limits.push_back(limit);
    if (fenced_out) throw db::FencedOut(1, 2);
    if (bulk_batches.empty()) return std::nullopt;
    auto batch = bulk_batches.front();
    bulk_batches.erase(bulk_batches.begin());
    return batch;
  }
  long long delete_finished_jobs(int days, int limit) override {
    retention_calls.push_back({days, limit});
    return deleted_per_call;
  }

  static db::QueueEntry entry(long long id) { return {id, 100, id, {1, 128, 0, 0}}; }

  bool fenced_out = false;
  bool fail_next = false;
  std::vector<long long> canceled;
  std::map<std::string, db::UpdateOutcome> outcomes;
  db::SchedulerSettings settings_row;
  std::vector<TurnWrites> committed;
  std::vector<db::QueueEntry> queued;
  std::vector<db::ActiveExecution> active;
  std::vector<db::KillTarget> overdue;  // marked by the next commit with mark_timeouts
  std::vector<db::KillTarget> expired;  // answered once by unreachable_expired
  std::vector<double> unreachable_asked;
  std::vector<db::BulkBatch> bulk_batches;  // handed out one per run_bulk_batch
  std::vector<int> bulk_limits;
  std::vector<std::pair<int, int>> retention_calls;  // days, limit
  long long deleted_per_call = 0;

 private:
  Log& log_;
};

inline mesos::Offer offer(const std::string& id, const std::string& agent) {
  mesos::Offer o;
  o.id = id;
  o.agent_id = agent;
  o.hostname = agent + ".sim";
  o.allocation_role = "*";
  for (auto [name, value] : {std::pair{"cpus", 4.0}, {"mem", 4096.0}, {"disk", 1000.0}}) {
    mesos::Resource r;
    r.name = name;
    r.type = "SCALAR";
    r.scalar = value;
    r.allocation_role = "*";
    o.resources.push_back(r);
  }
  return o;
}

inline mesos::Event subscribed() {
  mesos::Event e;
  e.type = mesos::EventType::Subscribed;
  e.subscribed.framework_id = "fw-1";
  return e;
}

inline mesos::Event offers(std::vector<mesos::Offer> list) {
  mesos::Event e;
  e.type = mesos::EventType::Offers;
  e.offers = std::move(list);
  return e;
}

inline mesos::Event update(const std::string& task_id, const std::string& state,
                           std::optional<std::string> uuid) {
  mesos::Event e;
  e.type = mesos::EventType::Update;
  e.status.task_id = task_id;
  e.status.state = state;
  e.status.agent_id = "a1";
  e.status.uuid = std::move(uuid);
  return e;
}

class SchedulingCoreTest : public ::testing::Test {
 protected:
  SchedulingCoreTest() { core = std::make_unique<SchedulingCore>(options(), mesos, db); }

  static SchedulingCore::Options options() {
    SchedulingCore::Options o;
    o.reconciler.first_retry = 1000ms;
    o.suppress_after = 0ms;
    return o;
  }

  // Promotion with `queued` jobs and `active` executions, then a subscription, reconciliation
  // answered, and the implicit round sent.
  void promote(std::vector<long long> queued, std::vector<std::string> active = {}) {
    std::vector<queue::QueuedJob> jobs;
    for (long long id : queued) jobs.push_back({id, 100, id, {1, 128, 0, 0}});
    core->queue().load(std::move(jobs));
    db::LeaderState state;
    for (const auto& task : active) state.executions.push_back({1, 1, task, "a1", "RUNNING", 1});
    core->load(state, "fw-1", {});
    core->on_mesos(subscribed(), now);
  }

  bool contains(const std::string& entry) const {
    return std::find(log.begin(), log.end(), entry) != log.end();
  }
  long index_of(const std::string& entry) const {
    return std::find(log.begin(), log.end(), entry) - log.begin();
  }

  Log log;
  FakeMesos mesos{log};
  FakePersistence db{log};
  std::unique_ptr<SchedulingCore> core;
  Clock::time_point now{};
};

}  // namespace scale::scheduler::testing
