#include "scheduler/bulk_action_runner.h"

#include <glog/logging.h>

#include "db/error.h"

namespace scale::scheduler {

namespace {

constexpr auto kRetryDelay = std::chrono::seconds(1);

}  // namespace

std::optional<BulkActionRunner::Clock::time_point> BulkActionRunner::next_due() const {
  if (!pending_) return std::nullopt;
  return retry_at_;
}

std::vector<long long> BulkActionRunner::run(LeaderPersistence& db, Clock::time_point now) {
  if (!pending_ || now < retry_at_) return {};
  std::optional<db::BulkBatch> batch;
  try {
    batch = db.run_bulk_batch(batch_size_);
  } catch (const db::FencedOut&) {
    throw;
  } catch (const db::Error& e) {
    LOG(WARNING) << "leader: bulk action batch failed: " << e.what() << "; retrying";
    retry_at_ = now + kRetryDelay;
    return {};
  }
  if (!batch) {
    pending_ = false;  // nothing unfinished: sleep until the next request
    return {};
  }
  std::vector<long long> changed;
  for (const auto* ids : {&batch->canceled, &batch->kill_requested, &batch->requeued})
    changed.insert(changed.end(), ids->begin(), ids->end());
  LOG(INFO) << "leader: bulk " << db::to_string(batch->kind) << " " << batch->action_id << ": "
            << batch->canceled.size() << " canceled, " << batch->kill_requested.size()
            << " kill(s) requested, " << batch->requeued.size() << " requeued"
            << (batch->done ? "; done" : "; more to do");
  return changed;
}

}  // namespace scale::scheduler
