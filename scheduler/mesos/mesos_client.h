#pragma once

// MesosConnection implemented over a MesosTransport and a MasterSource: the state machine plus
// the one thread this client owns, the timer driver (reconnect backoff, heartbeat watchdog,
// subscribe timeout, held calls). The driver sleeps until the machine's next deadline, and is
// woken when an input brings that deadline forward. I/O threads belong to the transport; a
// leader change arrives from the source's thread.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "scheduler/mesos/client_state_machine.h"
#include "scheduler/mesos/master_source.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/mesos/mesos_transport.h"

namespace scale::mesos {

struct MesosClientOptions {
  ClientOptions client;
  // false = no driver thread: the owner calls tick() (unit tests with a manual clock).
  bool timer_driver = true;
};

class MesosClient final : public MesosConnection {
 public:
  MesosClient(
      MesosClientOptions options, std::unique_ptr<MasterSource> source,
      std::unique_ptr<MesosTransport> transport,
      ClientStateMachine::Now now = [] { return Clock::now(); });
  ~MesosClient() override;
  MesosClient(const MesosClient&) = delete;
  MesosClient& operator=(const MesosClient&) = delete;

  void start(const std::optional<std::string>& framework_id,
             NotificationCallback callback) override;
  void stop() override;
  void tick() { machine_.tick(); }

  ConnectionState state() const override { return machine_.state(); }
  std::optional<std::string> framework_id() const override { return machine_.framework_id(); }
  std::optional<TerminalError> terminal_error() const override { return machine_.terminal_error(); }
  CallLoad call_load() const override { return transport_->call_load(); }

  bool accept(const std::vector<std::string>& offer_ids, const std::vector<TaskLaunch>& tasks,
              std::optional<double> refuse_seconds = std::nullopt) override;
  bool decline(const std::vector<std::string>& offer_ids,
               std::optional<double> refuse_seconds) override;
  bool suppress(const std::vector<std::string>& roles) override;
  bool revive(const std::vector<std::string>& roles) override;
  bool kill(const std::string& task_id, const std::string& agent_id,
            std::optional<double> grace_seconds = std::nullopt) override;
  bool acknowledge(const TaskStatus& status) override;
  bool reconcile(const std::vector<TaskToReconcile>& tasks) override;
  bool teardown() override;

 private:
  void drive();
  // The machine's deadline came earlier: the driver stops sleeping and asks again.
  void wake_driver();

  const bool timer_driver_;
  std::unique_ptr<MasterSource> source_;
  std::unique_ptr<MesosTransport> transport_;
  NotificationCallback callback_;  // set by start(), before anything can call it

  // Before machine_: it wakes the driver until it is gone.
  std::mutex driver_mu_;
  std::condition_variable driver_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  bool stopped_ = false;

  ClientStateMachine machine_;
  std::thread driver_;
};

}  // namespace scale::mesos
