#pragma once

// A MesosTransport that records what the state machine asks for; the test plays the answers by
// calling the listener itself. Plus a MasterSource the test can point anywhere.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/mesos/master_source.h"
#include "scheduler/mesos/mesos_transport.h"

namespace scale::mesos::testing {

struct RecordedSubscribe {
  uint64_t connection;
  std::string url;
  std::string body;
};

struct RecordedCall {
  uint64_t connection;
  std::string url;
  std::string stream_id;
  std::string type;
  std::string body;
  CallType call_type = CallType::Acknowledge;
  bool answered = false;  // by answer()
};

class FakeTransport final : public MesosTransport {
 public:
  void set_listener(TransportListener* listener) override { listener_ = listener; }
  void open_subscription(uint64_t connection, const std::string& url, std::string body) override {
    std::lock_guard lock(mu_);
    subscribes.push_back({connection, url, std::move(body)});
  }
  void close_subscription(uint64_t connection) override {
    std::lock_guard lock(mu_);
    closed.push_back(connection);
  }
  void send_call(uint64_t connection, const std::string& url, const std::string& stream_id,
                 CallType type, std::string body) override {
    std::lock_guard lock(mu_);
    calls.push_back({connection, url, stream_id, to_string(type), std::move(body), type, false});
  }
  void release_held_calls() override {
    std::lock_guard lock(mu_);
    ++releases;
  }
  void shutdown() override { shut_down = true; }
  // Every recorded call not answer()ed counts as in flight (the fake has no windows or queues).
  CallLoad call_load() const override {
    std::lock_guard lock(mu_);
    CallLoad load;
    for (const auto& call : calls) {
      if (!call.answered) ++load.in_flight[static_cast<size_t>(lane_of(call.call_type))];
    }
    return load;
  }
  // Plays the master's answer to the index-th recorded call.
  void answer(size_t index, int status) {
    RecordedCall call;
    {
      std::lock_guard lock(mu_);
      calls.at(index).answered = true;
      call = calls.at(index);
    }
    listener_->on_call_response(call.connection, call.call_type, status, "");
  }

  TransportListener& listener() { return *listener_; }

  mutable std::mutex mu_;
  std::vector<RecordedSubscribe> subscribes;
  std::vector<uint64_t> closed;
  std::vector<RecordedCall> calls;
  int releases = 0;  // release_held_calls()
  bool shut_down = false;

 private:
  TransportListener* listener_ = nullptr;
};

// Tells its subscriber of every set(), on the test's thread, as a detector would on its own.
class SettableMasterSource final : public MasterSource {
 public:
  explicit SettableMasterSource(std::optional<std::string> master) : master_(std::move(master)) {}
  std::optional<std::string> leading_master() override {
    std::lock_guard lock(mu_);
    return master_;
  }
  cluster::Subscription subscribe(std::function<void()> on_change) override {
    return subscribers_.add(std::move(on_change));
  }
  void set(std::optional<std::string> master) {
    {
      std::lock_guard lock(mu_);
      master_ = std::move(master);
    }
    subscribers_.notify();
  }

 private:
  std::mutex mu_;
  std::optional<std::string> master_;
  cluster::Subscribers<> subscribers_;
};

inline std::string record(const std::string& json) {
  return std::to_string(json.size()) + "\n" + json;
}

inline std::string subscribed_record(const std::string& framework_id, double heartbeat = 15.0) {
  return record(R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":")" + framework_id +
                R"("},"heartbeat_interval_seconds":)" + std::to_string(heartbeat) + "}}");
}

inline std::string error_record(const std::string& message) {
  return record(R"({"type":"ERROR","error":{"message":")" + message + R"("}})");
}

}  // namespace scale::mesos::testing
