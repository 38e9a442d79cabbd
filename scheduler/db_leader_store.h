#pragma once

// LeaderStore over the db/ stores, on the leader's one connection: reopened after a failure,
// shared with the scheduling core's DbPersistence.

#include <chrono>
#include <memory>
#include <string>

#include "db/connection.h"
#include "db/node_activity.h"
#include "scheduler/leader_store.h"

namespace scale::scheduler {

class DbLeaderStore final : public LeaderStore {
 public:
  // `warm`: a connection a follower opened ahead of the promotion (may be null).
  DbLeaderStore(std::string conninfo, std::unique_ptr<db::Connection> warm,
                std::chrono::seconds recent_window = std::chrono::hours(3), int terms_shown = 20);

  bool available() override;
  bool promote(const db::LeaderRecord& me) override;
  LoadedTerm load(long long epoch) override;
  void write_status(long long epoch, const std::vector<db::TermStep>& new_steps,
                    const std::function<std::string(const StatusFacts&)>& render) override;
  void record_end(long long epoch, const std::string& reason) override;
  std::unique_ptr<LeaderPersistence> persistence(long long epoch,
                                                 const std::string& master) override;

 private:
  db::Connection& connection();  // throws db::Error when the database is unreachable

  const std::string conninfo_;
  const int terms_shown_;
  std::unique_ptr<db::Connection> conn_;
  db::RecentActivity recent_;  // counted afresh for a new term or connection
  long long recent_epoch_ = 0;
  bool warned_ = false;  // "database unavailable" logged once per outage
};

}  // namespace scale::scheduler
