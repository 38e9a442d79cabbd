#pragma once

// Where the leading Mesos master is right now: a fixed URL, or what the ZooKeeper detector saw
// last. Polled by the client's state machine (when connecting, and to notice a leader change).

#include <optional>
#include <string>

namespace scale::mesos {

class MasterSource {
 public:
  virtual ~MasterSource() = default;
  // Base URL of the leading master ("http://host:port"), or nullopt while none is known.
  virtual std::optional<std::string> leading_master() = 0;
};

class FixedMasterSource final : public MasterSource {
 public:
  explicit FixedMasterSource(std::string base_url) : base_url_(std::move(base_url)) {}
  std::optional<std::string> leading_master() override { return base_url_; }

 private:
  std::string base_url_;
};

}  // namespace scale::mesos
