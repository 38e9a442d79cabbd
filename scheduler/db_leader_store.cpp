#include "scheduler/db_leader_store.h"

#include <glog/logging.h>

#include "db/fence.h"
#include "db/framework_store.h"
#include "db/status_store.h"
#include "scheduler/db_persistence.h"

namespace scale::scheduler {

DbLeaderStore::DbLeaderStore(std::string conninfo, std::unique_ptr<db::Connection> warm,
                             std::chrono::seconds recent_window, int terms_shown)
    : conninfo_(std::move(conninfo)),
      terms_shown_(terms_shown),
      conn_(std::move(warm)),
      recent_(recent_window) {
  // A warmed connection may have sat idle through a database restart: notice that without a
  // round trip and connect afresh instead of failing the first attempt.
  if (conn_ && !conn_->probe()) conn_.reset();
}

db::Connection& DbLeaderStore::connection() {
  if (conn_ && conn_->ok()) return *conn_;
  try {
    conn_ = std::make_unique<db::Connection>(conninfo_);
    recent_.reset();  // a commit in doubt on the old one may still land behind our last read
    warned_ = false;
    return *conn_;
  } catch (const db::Error& e) {
    conn_.reset();
    if (!warned_) LOG(WARNING) << "leader: database unavailable: " << e.what();
    warned_ = true;
    throw;
  }
}

bool DbLeaderStore::available() {
  try {
    connection();
    return true;
  } catch (const db::Error&) {
    return false;
  }
}

bool DbLeaderStore::promote(const db::LeaderRecord& me) {
  return db::Fence::promote(connection(), me);
}

LoadedTerm DbLeaderStore::load(long long epoch) {
  LoadedTerm term;
  db::Fence::run(connection(), epoch, [&](db::Connection& c) {
    term.state = db::LeaderStateLoader::load(c, epoch, [&](const db::QueueEntry& e) {
      term.queued.push_back({e.job_id, e.priority, e.queued_at_us, e.resources});
    });
    term.settings = db::SchedulerSettingsStore::get(c);
    if (auto framework = db::FrameworkStore::get(c)) term.framework_id = framework->framework_id;
  });
  return term;
}

void DbLeaderStore::write_status(long long epoch, const std::vector<db::TermStep>& new_steps,
                                 const std::function<std::string(const StatusFacts&)>& render) {
  if (epoch != recent_epoch_) recent_.reset();
  recent_epoch_ = epoch;
  db::Fence::run(connection(), epoch, [&](db::Connection& c) {
    db::TermHistory::add_steps(c, epoch, new_steps);
    StatusFacts facts;
    facts.paused = db::SchedulerSettingsStore::get(c).is_paused;
    if (auto framework = db::FrameworkStore::get(c)) facts.framework_id = framework->framework_id;
    facts.recent = recent_.read(c);
    facts.terms = db::TermHistory::recent(c, terms_shown_);
    db::StatusStore::write(c, epoch, render(facts));
  });
}

void DbLeaderStore::record_end(long long epoch, const std::string& reason) {
  if (!conn_ || !conn_->ok()) return;
  try {
    db::TermHistory::end(*conn_, epoch, reason);
  } catch (const db::Error&) {
    // Fenced out (a successor records it as superseded) or the database is gone: nothing to do.
  }
}

std::unique_ptr<LeaderPersistence> DbLeaderStore::persistence(long long epoch,
                                                              const std::string& master) {
  return std::make_unique<DbPersistence>([this]() -> db::Connection& { return connection(); },
                                         epoch, master);
}

}  // namespace scale::scheduler
