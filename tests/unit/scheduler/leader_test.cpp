// The Leader over fakes of everything it is handed (term, store, notifications, Mesos): the
// promotion order and every way a term ends, with what reaches Mesos and the database in order.
#include "scheduler/leader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace std::chrono_literals;

// One ordered, thread-safe log of what the Leader did with its collaborators.
class Trace {
 public:
  void add(const std::string& what) {
    std::lock_guard lock(mutex_);
    entries_.push_back(what);
    changed_.notify_all();
  }
  bool wait_for(const std::string& what, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return index(what) >= 0; });
  }
  int index_of(const std::string& what) {
    std::lock_guard lock(mutex_);
    return index(what);
  }
  std::vector<std::string> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  int index(const std::string& what) const {
    auto it = std::find(entries_.begin(), entries_.end(), what);
    return it == entries_.end() ? -1 : static_cast<int>(it - entries_.begin());
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> entries_;
};

class FakeTerm final : public cluster::Term {
 public:
  long long epoch() const override { return 7; }
  std::string node_path() const override { return "/scale/election/n_x-0000000001"; }
  bool acting() const override { return acting_ && !ended(); }
  bool ended() const override {
    std::lock_guard lock(mutex_);
    return reason_ != cluster::TermEndReason::None;
  }
  cluster::TermEndReason end_reason() const override {
    std::lock_guard lock(mutex_);
    return reason_;
  }
  bool wait_ended(std::chrono::milliseconds) override { return ended(); }
  void on_end(std::function<void(cluster::TermEndReason)> callback) override {
    std::lock_guard lock(mutex_);
    callbacks_.push_back(std::move(callback));
  }
  void resign() override { end(cluster::TermEndReason::Resigned); }
  void end(cluster::TermEndReason why) {
    std::vector<std::function<void(cluster::TermEndReason)>> fired;
    {
      std::lock_guard lock(mutex_);
      if (reason_ != cluster::TermEndReason::None) return;
      reason_ = why;
      fired.swap(callbacks_);
    }
    for (auto& callback : fired) callback(why);
  }
  std::atomic<bool> acting_{true};

 private:
  mutable std::mutex mutex_;
  cluster::TermEndReason reason_ = cluster::TermEndReason::None;
  std::vector<std::function<void(cluster::TermEndReason)>> callbacks_;
};

class FakeStore final : public LeaderStore {
 public:
  explicit FakeStore(Trace& trace) : trace_(trace) {}
  bool available() override { return true; }
  bool promote(const db::LeaderRecord& me) override {
    trace_.add("fence " + std::to_string(me.epoch));
    return fence_won;
  }
  LoadedTerm load(long long) override {
    trace_.add("load");
    if (load_fenced_out) throw db::FencedOut(7, 8);
    return {};
  }
  void write_status(long long, const std::vector<db::TermStep>& steps,
                    const std::function<std::string(const StatusFacts&)>& render) override {
    if (status_fenced_out) throw db::FencedOut(7, 8);
    render({});
    for (const auto& step : steps) trace_.add("step " + step.name);
    trace_.add("status");
  }
  void record_end(long long, const std::string& reason) override { trace_.add("end " + reason); }
  std::unique_ptr<LeaderPersistence> persistence(long long, const std::string&) override {
    return std::make_unique<testing::FakePersistence>(core_log);
  }
  std::atomic<bool> fence_won{true};
  std::atomic<bool> load_fenced_out{false};
  std::atomic<bool> status_fenced_out{false};
  testing::Log core_log;  // the core's commits (its own thread: the leader's)

 private:
  Trace& trace_;
};

class FakeNotifications final : public NotifySource {
 public:
  explicit FakeNotifications(Trace& trace) : trace_(trace) {}
  void start(Callback) override { trace_.add("notify start"); }
  bool wait_listening(std::chrono::milliseconds) override {
    trace_.add("listening");
    return true;
  }
  bool first_resync_delivered() const override { return false; }

 private:
  Trace& trace_;
};

// A Mesos connection that records start, stop and every call, and hands the test the callback.
class FakeMesos final : public mesos::MesosConnection {
 public:
  explicit FakeMesos(Trace& trace) : trace_(trace) {}
  void start(const std::optional<std::string>&, NotificationCallback callback) override {
    {
      std::lock_guard lock(mutex_);
      callback_ = std::move(callback);
    }
    trace_.add("mesos start");
  }
  void stop() override {
    if (!stopped_.exchange(true)) trace_.add("mesos stop");
  }
  // Delivers a notification as the client's threads would.
  void deliver(mesos::Notification n) {
    std::lock_guard lock(mutex_);
    if (callback_) callback_(std::move(n));
  }
  mesos::ConnectionState state() const override { return mesos::ConnectionState::Subscribed; }
  std::optional<std::string> framework_id() const override { return "fw"; }
  std::optional<mesos::TerminalError> terminal_error() const override { return std::nullopt; }
  bool accept(const std::vector<std::string>&, const std::vector<mesos::TaskLaunch>&,
              std::optional<double>) override {
    return call("accept");
  }
  bool decline(const std::vector<std::string>&, std::optional<double>) override {
    return call("decline");
  }
  bool suppress(const std::vector<std::string>&) override { return call("suppress"); }
  bool revive(const std::vector<std::string>&) override { return call("revive"); }
  bool kill(const std::string&, const std::string&, std::optional<double>) override {
    return call("kill");
  }
  bool acknowledge(const mesos::TaskStatus& status) override {
    return status.uuid && call("acknowledge");
  }
  bool reconcile(const std::vector<mesos::TaskToReconcile>&) override { return call("reconcile"); }
  bool teardown() override { return call("teardown"); }

 private:
  bool call(const std::string& what) {
    trace_.add(stopped_ ? "call after stop: " + what : what);
    return !stopped_;
  }
  Trace& trace_;
  std::mutex mutex_;
  NotificationCallback callback_;
  std::atomic<bool> stopped_{false};
};

class LeaderTest : public ::testing::Test {
 protected:
  LeaderTest() {
    options_.replica_id = "r1";
    options_.advertise_url = "http://127.0.0.1:8001";
    options_.mesos_master = "http://127.0.0.1:5050";
    options_.status_interval = 50ms;
  }
  ~LeaderTest() override { stop(); }

  // Starts the Leader on its own thread, as the replica does, over a store set up by `configure`.
  void start(const std::function<void(FakeStore&)>& configure = nullptr) {
    auto store = std::make_unique<FakeStore>(trace_);
    if (configure) configure(*store);
    LeaderParts parts;
    parts.store = std::move(store);
    parts.notifications = std::make_unique<FakeNotifications>(trace_);
    parts.mesos = [this]() -> std::unique_ptr<mesos::MesosConnection> {
      auto mesos = std::make_unique<FakeMesos>(trace_);
      mesos_ = mesos.get();
      return mesos;
    };
    parts.replicas = [] {
      ReplicaSeen replica;
      replica.replica_id = "r1";
      replica.api_url = "u";
      replica.hostname = "h";
      replica.pid = 1;
      return std::vector<ReplicaSeen>{replica};
    };
    leader_ = std::make_unique<Leader>(options_, term_, std::move(parts), promoted_);
    thread_ = std::jthread([this](std::stop_token stop) {
      outcome_ = leader_->run(stop);
      done_ = true;
    });
  }
  // The outcome once the Leader stopped by itself, or nullopt when it did not within 5 s.
  std::optional<LeaderOutcome> ended_by_itself() {
    if (!eventually([&] { return done_.load(); })) return std::nullopt;
    return stop();
  }
  LeaderOutcome stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
    leader_.reset();  // joins the Leader's own threads, as the replica does
    return outcome_;
  }
  static bool eventually(const std::function<bool()>& cond,
                         std::chrono::milliseconds timeout = 5s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);  // polling with a deadline
    }
    return true;
  }
  void deliver(mesos::Notification n) {
    ASSERT_TRUE(trace_.wait_for("mesos start"));
    mesos_->deliver(std::move(n));
  }
  void subscribed() {
    mesos::Event event;
    event.type = mesos::EventType::Subscribed;
    event.subscribed.framework_id = "fw";
    event.subscribed.heartbeat_interval_seconds = 15;
    deliver(event);
  }
  void expect_nothing_after_stop() {
    for (const auto& entry : trace_.entries())
      EXPECT_EQ(entry.rfind("call after stop", 0), std::string::npos) << entry;
  }

  ReplicaOptions options_;
  FakeTerm term_;
  Trace trace_;
  std::atomic<bool> promoted_{false};
  FakeMesos* mesos_ = nullptr;
  std::unique_ptr<Leader> leader_;
  std::atomic<bool> done_{false};
  LeaderOutcome outcome_ = LeaderOutcome::Stopped;
  std::jthread thread_;
};

TEST_F(LeaderTest, PromotionFencesListensLoadsThenSubscribesInThatOrder) {
  start();
  ASSERT_TRUE(trace_.wait_for("mesos start"));
  EXPECT_TRUE(promoted_);
  EXPECT_LT(trace_.index_of("notify start"), trace_.index_of("fence 7"));
  EXPECT_LT(trace_.index_of("fence 7"), trace_.index_of("listening"));
  EXPECT_LT(trace_.index_of("listening"), trace_.index_of("load"));
  EXPECT_LT(trace_.index_of("load"), trace_.index_of("mesos start"));
  subscribed();
  EXPECT_TRUE(trace_.wait_for("reconcile"));        // the first thing of a new subscription
  EXPECT_TRUE(trace_.wait_for("step reconciled"));  // with a later status document
  EXPECT_EQ(stop(), LeaderOutcome::Stopped);
  EXPECT_GE(trace_.index_of("mesos stop"), 0);
  EXPECT_FALSE(promoted_);
  // The promotion steps reached the term's history in the order they completed, and its end.
  EXPECT_LT(trace_.index_of("step elected"), trace_.index_of("step fenced"));
  EXPECT_LT(trace_.index_of("step fenced"), trace_.index_of("step state_loaded"));
  EXPECT_LT(trace_.index_of("step state_loaded"), trace_.index_of("step subscribed"));
  EXPECT_LT(trace_.index_of("step subscribed"), trace_.index_of("step reconciled"));
  EXPECT_GE(trace_.index_of("end resigned"), 0);
}

TEST_F(LeaderTest, ARefusedFenceEndsThePromotionBeforeAnythingElse) {
  start([](FakeStore& store) { store.fence_won = false; });
  EXPECT_EQ(ended_by_itself(), LeaderOutcome::PromotionRefused);
  EXPECT_GE(trace_.index_of("fence 7"), 0);
  EXPECT_EQ(trace_.index_of("load"), -1);
  EXPECT_EQ(trace_.index_of("mesos start"), -1);
  EXPECT_FALSE(promoted_);
}

TEST_F(LeaderTest, ATermThatIsNotActingDoesNotRaiseTheFence) {
  term_.acting_ = false;  // e.g. its ZooKeeper connection dropped right after the win
  start();
  EXPECT_FALSE(trace_.wait_for("fence 7", 300ms));
  term_.acting_ = true;
  EXPECT_TRUE(trace_.wait_for("fence 7"));
}

TEST_F(LeaderTest, ALoadFencedOutEndsTheTermWithoutSubscribing) {
  start([](FakeStore& store) { store.load_fenced_out = true; });
  EXPECT_EQ(ended_by_itself(), LeaderOutcome::FencedOut);
  EXPECT_EQ(trace_.index_of("mesos start"), -1);
}

TEST_F(LeaderTest, TheTermEndingStopsEveryMesosCall) {
  start();
  subscribed();
  ASSERT_TRUE(trace_.wait_for("reconcile"));
  term_.end(cluster::TermEndReason::SessionExpired);
  EXPECT_EQ(ended_by_itself(), LeaderOutcome::TermEnded);
  EXPECT_GE(trace_.index_of("end session expired"), 0);
  EXPECT_GE(trace_.index_of("mesos stop"), 0);
  expect_nothing_after_stop();
}

TEST_F(LeaderTest, AStatusWriteFencedOutEndsTheTerm) {
  start([](FakeStore& store) { store.status_fenced_out = true; });
  EXPECT_EQ(ended_by_itself(), LeaderOutcome::FencedOut);
  EXPECT_GE(trace_.index_of("mesos stop"), 0);
  expect_nothing_after_stop();
}

TEST_F(LeaderTest, AFrameworkFailedOverToAnotherSubscriberEndsTheTerm) {
  start();
  subscribed();
  deliver(mesos::TerminalError{"Framework failed over"});
  EXPECT_EQ(ended_by_itself(), LeaderOutcome::MesosFailedOver);
  expect_nothing_after_stop();
}

TEST_F(LeaderTest, WithoutAMesosMasterTheTermOnlyFencesAndWritesStatus) {
  options_.mesos_master.clear();
  start();
  ASSERT_TRUE(trace_.wait_for("status"));
  EXPECT_EQ(trace_.index_of("notify start"), -1);
  EXPECT_EQ(trace_.index_of("mesos start"), -1);
  EXPECT_EQ(stop(), LeaderOutcome::Stopped);
}

}  // namespace
}  // namespace scale::scheduler
