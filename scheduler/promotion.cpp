#include "scheduler/promotion.h"

#include <glog/logging.h>

namespace scale::scheduler {

namespace {

constexpr auto kListenTimeout = std::chrono::seconds(10);

}  // namespace

Promotion::Promotion(const ReplicaOptions& options, cluster::Term& term, LeaderStore& store,
                     NotifySource* notifications, MesosFactory make_mesos, const Clock& clock,
                     Pause pause)
    : options_(options),
      term_(term),
      store_(store),
      notifications_(notifications),
      make_mesos_(std::move(make_mesos)),
      clock_(clock),
      pause_(std::move(pause)) {}

long long Promotion::ms_since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start).count();
}

Promotion::Result Promotion::raise_fence() {
  const auto start = clock_.now();
  const db::LeaderRecord me{term_.epoch(), options_.replica_id, options_.advertise_url, ""};
  auto delay = std::chrono::milliseconds(50);
  while (true) {
    if (term_.acting() && store_.available()) {
      try {
        const bool won = store_.promote(me);
        LOG(INFO) << "promotion: fence epoch " << me.epoch << (won ? " taken" : " refused")
                  << " in " << ms_since(start) << " ms";
        return won ? Result::Done : Result::Refused;
      } catch (const db::Error& e) {
        LOG(WARNING) << "promotion: " << e.what();
      }
    }
    if (!pause_(delay)) return Result::Interrupted;
    delay = std::min(delay * 2, std::chrono::milliseconds(1000));
  }
}

Promotion::Result Promotion::start_scheduling(
    TermScheduling& out, mesos::MesosConnection::NotificationCallback deliver) {
  auto delay = std::chrono::milliseconds(100);
  while (true) {
    if (term_.acting()) {
      const Result result = listen_and_load(out, deliver);
      if (result != Result::Interrupted) return result;
    }
    if (!pause_(delay)) return Result::Interrupted;
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
  }
}

// Interrupted here means "not this time": the caller retries.
Promotion::Result Promotion::listen_and_load(
    TermScheduling& out, mesos::MesosConnection::NotificationCallback& deliver) {
  const auto step = clock_.now();
  // LISTEN before the load: a job submitted meanwhile is in the load or announced after it.
  if (notifications_ == nullptr || !notifications_->wait_listening(kListenTimeout)) {
    LOG(WARNING) << "promotion: LISTEN not in place after " << ms_since(step) << " ms; retrying";
    return Result::Interrupted;
  }
  LOG(INFO) << "promotion: LISTEN in " << ms_since(step) << " ms";
  std::optional<std::string> framework_id;
  try {
    framework_id = load(out);
  } catch (const db::FencedOut&) {
    return Result::FencedOut;
  } catch (const db::Error& e) {
    LOG(WARNING) << "promotion: load failed: " << e.what();
    return Result::Interrupted;
  }
  LOG(INFO) << "promotion: subscribing to " << options_.mesos_master
            << (framework_id ? " as framework " + *framework_id : " as a new framework");
  out.mesos->start(framework_id, std::move(deliver));
  return Result::Done;
}

// Builds the term's core and loads it; returns the stored framework id. Throws db::Error.
std::optional<std::string> Promotion::load(TermScheduling& out) {
  const auto start = clock_.now();
  // One fenced transaction: a term that already lost the fence learns it here.
  LoadedTerm loaded = store_.load(term_.epoch());
  out.mesos = make_mesos_();
  out.persistence = store_.persistence(term_.epoch(), options_.mesos_master);
  SchedulingCore::Options core_options;
  core_options.role = options_.role;
  core_options.master = options_.mesos_master;
  core_options.reconciler.unknown_timeout = options_.unknown_task_timeout;
  core_options.unreachable_timeout_s = static_cast<double>(options_.unreachable_timeout.count());
  core_options.retention.days = options_.retain_finished_days;
  core_options.launch_gate.max_unacknowledged_updates =
      static_cast<size_t>(options_.max_unacked_updates);
  core_options.launch_gate.max_launches_in_flight =
      static_cast<size_t>(options_.max_launches_in_flight);
  out.core = std::make_unique<SchedulingCore>(core_options, *out.mesos, *out.persistence);
  const size_t executions = loaded.state.executions.size();
  const size_t agents = loaded.state.agents.size();
  out.core->queue().load(std::move(loaded.queued));
  out.core->load(loaded.state, loaded.framework_id, loaded.settings);
  LOG(INFO) << "promotion: loaded " << loaded.state.queued_jobs << " queued job(s), " << executions
            << " active execution(s), " << agents << " agent(s) in " << ms_since(start) << " ms";
  return loaded.framework_id;
}

}  // namespace scale::scheduler
