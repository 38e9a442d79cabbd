#include "scheduler/mesos/mesos_client.h"

#include "scheduler/mesos/call_codec.h"

namespace scale::mesos {

MesosClient::MesosClient(MesosClientOptions options, std::unique_ptr<MasterSource> source,
                         std::unique_ptr<MesosTransport> transport, ClientStateMachine::Now now)
    : timer_driver_(options.timer_driver),
      source_(std::move(source)),
      transport_(std::move(transport)),
      machine_(
          std::move(options.client), *source_, *transport_,
          [this](Notification n) {
            if (callback_) callback_(std::move(n));
          },
          std::move(now), [this] { wake_driver(); }) {
  transport_->set_listener(&machine_);
}

MesosClient::~MesosClient() {
  stop();
}

void MesosClient::start(const std::optional<std::string>& framework_id,
                        NotificationCallback callback) {
  {
    std::lock_guard lock(driver_mu_);
    if (stopped_ || driver_.joinable()) return;
    callback_ = std::move(callback);
    if (timer_driver_) driver_ = std::thread([this] { drive(); });
  }
  machine_.start(framework_id);
}

// Order matters: the machine first (Terminated: every later transport callback is dropped), then
// the transport (waits until no callback runs), then the driver.
void MesosClient::stop() {
  {
    std::lock_guard lock(driver_mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  driver_cv_.notify_all();
  machine_.stop();
  transport_->shutdown();
  if (driver_.joinable()) driver_.join();
}

// woken_ is cleared before the deadline is read, so a wake-up between the two is not lost: the
// deadline read already includes it, or the wait sees woken_ set.
void MesosClient::drive() {
  std::unique_lock lock(driver_mu_);
  while (!stopping_) {
    lock.unlock();
    machine_.tick();
    lock.lock();
    woken_ = false;
    lock.unlock();
    const Clock::time_point deadline = machine_.next_deadline();
    lock.lock();
    const auto woken = [this] { return stopping_ || woken_; };
    if (deadline == Clock::time_point::max()) {
      driver_cv_.wait(lock, woken);
    } else {
      driver_cv_.wait_until(lock, deadline, woken);
    }
  }
}

void MesosClient::wake_driver() {
  {
    std::lock_guard lock(driver_mu_);
    woken_ = true;
  }
  driver_cv_.notify_one();
}

bool MesosClient::accept(const std::vector<std::string>& offer_ids,
                         const std::vector<TaskLaunch>& tasks,
                         std::optional<double> refuse_seconds) {
  return machine_.send_call(CallType::Accept, [&](const std::string& framework_id) {
    return encode_accept(framework_id, offer_ids, tasks, refuse_seconds);
  });
}

bool MesosClient::decline(const std::vector<std::string>& offer_ids,
                          std::optional<double> refuse_seconds) {
  return machine_.send_call(CallType::Decline, [&](const std::string& framework_id) {
    return encode_decline(framework_id, offer_ids, refuse_seconds);
  });
}

bool MesosClient::suppress(const std::vector<std::string>& roles) {
  return machine_.send_call(CallType::Suppress, [&](const std::string& framework_id) {
    return encode_suppress(framework_id, roles);
  });
}

bool MesosClient::revive(const std::vector<std::string>& roles) {
  return machine_.send_call(CallType::Revive, [&](const std::string& framework_id) {
    return encode_revive(framework_id, roles);
  });
}

bool MesosClient::kill(const std::string& task_id, const std::string& agent_id,
                       std::optional<double> grace_seconds) {
  return machine_.send_call(CallType::Kill, [&](const std::string& framework_id) {
    return encode_kill(framework_id, task_id, agent_id, grace_seconds);
  });
}

bool MesosClient::acknowledge(const TaskStatus& status) {
  // Updates without a uuid (master-generated, reconciliation answers) must not be acknowledged.
  if (!status.uuid || status.agent_id.empty()) return false;
  return machine_.send_call(CallType::Acknowledge, [&](const std::string& framework_id) {
    return encode_acknowledge(framework_id, status.agent_id, status.task_id, *status.uuid);
  });
}

bool MesosClient::reconcile(const std::vector<TaskToReconcile>& tasks) {
  return machine_.send_call(CallType::Reconcile, [&](const std::string& framework_id) {
    return encode_reconcile(framework_id, tasks);
  });
}

bool MesosClient::teardown() {
  return machine_.send_call(CallType::Teardown, [](const std::string& framework_id) {
    return encode_teardown(framework_id);
  });
}

}  // namespace scale::mesos
