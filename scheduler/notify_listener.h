#pragma once

// A thread at the edge of the leader (and of every replica, for the logging level): LISTENs on
// PostgreSQL channels over its own connection and hands each notification to a callback. After
// every (re)connect it first delivers a notification with an empty channel, meaning "something
// may have been missed: re-read everything".

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"

namespace scale::scheduler {

class NotifyListener {
 public:
  // Runs on the listener thread; `conn` is the listener's own connection (reads only).
  using Callback = std::function<void(db::Connection& conn, const db::Notification&)>;

  NotifyListener(std::string conninfo, std::vector<std::string> channels, Callback callback);
  ~NotifyListener();  // stops and joins the thread
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // True once LISTEN is in place (load the state only after that: nothing is missed).
  bool wait_listening(std::chrono::milliseconds timeout) const;

 private:
  void run(std::stop_token stop);
  void listen_until_broken(db::Connection& conn, std::stop_token stop);

  std::string conninfo_;
  std::vector<std::string> channels_;
  Callback callback_;
  std::atomic<bool> listening_{false};
  std::jthread thread_;  // last: starts after every other member is ready
};

}  // namespace scale::scheduler
