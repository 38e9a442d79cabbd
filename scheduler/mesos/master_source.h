#pragma once

// Where the leading Mesos master is: a fixed URL, or what a ZooKeeper detector sees. The client's
// state machine reads it when connecting and hears of every change through subscribe(), so a new
// leader is followed at once rather than noticed on a tick.

#include <functional>
#include <optional>
#include <string>

#include "cluster/subscription.h"

namespace scale::mesos {

class MasterSource {
 public:
  virtual ~MasterSource() = default;
  // Base URL of the leading master ("http://host:port"), or nullopt while none is known.
  virtual std::optional<std::string> leading_master() = 0;
  // Calls `on_change` after every change of leading_master(), from the source's own thread,
  // until the subscription is cancelled.
  virtual cluster::Subscription subscribe(std::function<void()> on_change) = 0;
};

class FixedMasterSource final : public MasterSource {
 public:
  explicit FixedMasterSource(std::string base_url) : base_url_(std::move(base_url)) {}
  std::optional<std::string> leading_master() override { return base_url_; }
  cluster::Subscription subscribe(std::function<void()>) override { return {}; }  // never changes

 private:
  std::string base_url_;
};

}  // namespace scale::mesos
