#pragma once

// The one-shot watches of a session, by path and kind, as ZooKeeper fires them: a node watch
// (exists, get) on Created, Deleted and DataChanged; a child watch on ChildrenChanged and on the
// deletion of the watched node itself.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "cluster/session.h"

namespace scale::cluster {

enum class WatchKind { Node, Children };

class WatchTable {
 public:
  uint64_t add(const std::string& path, WatchKind kind, Session::WatchCallback callback);
  // Waits for the callback if it is running.
  void remove(uint64_t id);
  // Takes every registration `event` on `path` concerns and runs them (under the lock, so that a
  // concurrent remove waits for a running callback).
  void fire(const std::string& path, NodeEvent event);
  // Drops the registrations on `path` without running them.
  void forget(const std::string& path);
  void clear();
  size_t count(const std::string& path);

 private:
  struct Entry {
    uint64_t id;
    WatchKind kind;
    Session::WatchCallback callback;
  };
  std::mutex mutex_;
  std::multimap<std::string, Entry> entries_;
  uint64_t next_id_ = 1;
};

}  // namespace scale::cluster
