#include "scheduler/retention_sweeper.h"

#include <glog/logging.h>

#include "db/error.h"

namespace scale::scheduler {

long long RetentionSweeper::run(LeaderPersistence& db, Clock::time_point now) {
  if (options_.days <= 0) return 0;
  if (!started_) {
    started_ = true;
    next_ = now + options_.period;
  }
  if (now < next_) return 0;
  next_ = now + options_.period;
  try {
    const long long deleted = db.delete_finished_jobs(options_.days, options_.batch_size);
    if (deleted > 0) {
      LOG(INFO) << "leader: retention deleted " << deleted << " job(s) finished more than "
                << options_.days << " day(s) ago";
    }
    warned_ = false;
    return deleted;
  } catch (const db::FencedOut&) {
    throw;
  } catch (const db::Error& e) {
    if (!warned_) LOG(WARNING) << "leader: retention batch failed: " << e.what();
    warned_ = true;
    return 0;
  }
}

}  // namespace scale::scheduler
