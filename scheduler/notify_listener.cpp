#include "scheduler/notify_listener.h"

#include <glog/logging.h>

#include <condition_variable>
#include <mutex>

namespace scale::scheduler {

NotifyListener::NotifyListener(std::string conninfo, std::vector<std::string> channels,
                               Callback callback)
    : conninfo_(std::move(conninfo)),
      channels_(std::move(channels)),
      callback_(std::move(callback)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

NotifyListener::~NotifyListener() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

bool NotifyListener::wait_listening(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!listening_) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void NotifyListener::listen_until_broken(db::Connection& conn, std::stop_token stop) {
  for (const auto& channel : channels_) conn.listen(channel);
  listening_ = true;
  callback_(conn, db::Notification{});  // resync: anything before LISTEN may be missed
  while (!stop.stop_requested() && conn.ok()) {
    // Short waits keep stop() prompt without a wake-up pipe.
    for (const auto& notification : conn.wait_notifications(std::chrono::milliseconds(100))) {
      callback_(conn, notification);
    }
  }
}

void NotifyListener::run(std::stop_token stop) {
  bool warned = false;
  while (!stop.stop_requested()) {
    try {
      db::Connection conn(conninfo_);
      warned = false;
      listen_until_broken(conn, stop);
    } catch (const std::exception& e) {
      if (!warned) LOG(WARNING) << "notify listener: " << e.what() << "; retrying";
      warned = true;
    }
    listening_ = false;
    std::mutex mutex;
    std::unique_lock lock(mutex);
    std::condition_variable_any().wait_for(lock, stop, std::chrono::milliseconds(500),
                                           [] { return false; });
  }
}

}  // namespace scale::scheduler
