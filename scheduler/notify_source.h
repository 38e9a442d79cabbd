#pragma once

// Where the leader hears of user intents written by any replica (PostgreSQL NOTIFY on the
// leader's channels), behind a small interface for the Leader's unit tests.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "db/connection.h"
#include "scheduler/replica_standby.h"

namespace scale::scheduler {

class NotifySource {
 public:
  // On the source's own thread. An empty channel means "something may have been missed: re-read
  // everything" (after every (re)connect).
  using Callback = std::function<void(const db::Notification&)>;

  virtual ~NotifySource() = default;
  // Starts delivering; returns at once (LISTEN is set up meanwhile).
  virtual void start(Callback callback) = 0;
  // True once LISTEN is in place: a state loaded after that misses nothing.
  virtual bool wait_listening(std::chrono::milliseconds timeout) = 0;
  // True when the first "re-read everything" was already delivered before start() (to a
  // follower): the leader's own load covers it, and only a later one means a reconnect.
  virtual bool first_resync_delivered() const = 0;
};

// The real one: the listener a follower kept LISTENing (its relay attached at start()), or a new
// NotifyListener on the leader's channels.
class PgNotifySource final : public NotifySource {
 public:
  PgNotifySource(std::string conninfo, Standby& standby);
  void start(Callback callback) override;
  bool wait_listening(std::chrono::milliseconds timeout) override;
  bool first_resync_delivered() const override { return adopted_; }

 private:
  const std::string conninfo_;
  std::shared_ptr<NotifyRelay> relay_;        // set when the listener came from the standby
  std::unique_ptr<NotifyListener> listener_;  // after relay_: stops first
  bool adopted_ = false;
};

}  // namespace scale::scheduler
