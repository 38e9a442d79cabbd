#pragma once

// Leader election among emulator instances the way Mesos masters do it (spec A.13): each joins
// the group as an EPHEMERAL|SEQUENTIAL `json.info_` znode holding its MasterInfo as JSON; the
// lowest sequence leads. A thread keeps the node registered (re-creating it after a session
// expiry) and publishes who leads into the LeaderView.

#include <zookeeper/zookeeper.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config.h"
#include "leader_view.h"

namespace mesos_sim {

// "host:port" of the leader from a json.info_ znode's MasterInfo (address first, as detectors do).
std::optional<std::string> leader_address(const std::string& master_info_json);
// The member with the lowest sequence among `json.info_<seq>` children, or "" when none.
std::string lowest_member(const std::vector<std::string>& children);

class ZkRegistration {
 public:
  ZkRegistration(ZkUrl url, std::string master_info_json, LeaderView& view);
  ~ZkRegistration();  // stops the thread and closes the session (the node disappears)
  ZkRegistration(const ZkRegistration&) = delete;
  ZkRegistration& operator=(const ZkRegistration&) = delete;

 private:
  static void on_event(zhandle_t* zh, int type, int state, const char* path, void* context);
  void run();
  bool connect();  // true once the session is connected
  void ensure_path();
  void refresh();  // registers if needed and recomputes the leader
  void wake();

  ZkUrl url_;
  std::string data_;
  LeaderView& view_;
  zhandle_t* zh_ = nullptr;
  std::string node_;  // our znode name (no path), empty when not registered
  std::mutex mutex_;
  std::condition_variable changed_;
  bool dirty_ = true, stopping_ = false;
  std::thread thread_;
};

}  // namespace mesos_sim
