#pragma once

// Which Mesos master leads, as registered in ZooKeeper (spec A.13): every master creates an
// EPHEMERAL|SEQUENTIAL `json.info_<seq>` child of the group path holding its MasterInfo as JSON,
// and the lowest sequence leads. Detection only; Mesos' own detector is the model.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/zk_client.h"

namespace scale::cluster {

struct MesosMasterAddress {
  std::string host;  // address.ip, else address.hostname, else hostname
  int port = 0;
  std::string node;  // the znode it was read from, e.g. json.info_0000000042
  bool operator==(const MesosMasterAddress&) const = default;
};

// The lowest `json.info_<digits>` name among children; other children (log_replicas, the pre-0.24
// `info_` label) are not JSON MasterInfo and are ignored.
std::optional<std::string> leading_master_node(const std::vector<std::string>& children);

// Host and port from a MasterInfo JSON document; nullopt when it has neither.
std::optional<MesosMasterAddress> parse_master_info(const std::string& json);

struct MasterDetectorOptions {
  std::string connect_string;  // "host:port,host:port"
  std::string path = "/mesos";
  std::chrono::milliseconds session_timeout{10000};
  // A watch on the leading node reports its deletion at once; this poll is the fallback for a
  // master appearing where there was none (the C client has no child watch in ZkClient).
  std::chrono::milliseconds poll_period{1000};
};

// Owns one thread and its own ZooKeeper session (re-opened after expiry). Thread-safe.
class MasterDetector {
 public:
  explicit MasterDetector(MasterDetectorOptions options);
  ~MasterDetector();  // stops and joins the thread, closes the session
  MasterDetector(const MasterDetector&) = delete;
  MasterDetector& operator=(const MasterDetector&) = delete;

  // The leader seen last, or nullopt when none is registered (or the session expired).
  std::optional<MesosMasterAddress> leader() const;
  // Waits until leader() satisfies `accept` or the timeout passes; true when it did.
  bool wait_for(const std::function<bool(const std::optional<MesosMasterAddress>&)>& accept,
                std::chrono::milliseconds timeout) const;

 private:
  void run();
  void detect_once();
  bool ensure_session();
  void publish(std::optional<MesosMasterAddress> leader);
  void on_watch_fired();

  const MasterDetectorOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_cv_;
  std::optional<MesosMasterAddress> leader_;
  bool stopping_ = false;
  bool wake_ = false;  // a watch fired: detect again now

  // Used only by the detector thread.
  std::unique_ptr<ZkSession> session_;
  std::shared_ptr<ZkClient> client_;
  Subscription watch_;
  std::thread thread_;
};

}  // namespace scale::cluster
