#include "cluster/watch_table.h"

#include <vector>

namespace scale::cluster {
namespace {

bool concerns(WatchKind kind, NodeEvent event) {
  if (event == NodeEvent::Deleted) return true;
  return (kind == WatchKind::Children) == (event == NodeEvent::ChildrenChanged);
}

}  // namespace

uint64_t WatchTable::add(const std::string& path, WatchKind kind, Session::WatchCallback callback) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  entries_.emplace(path, Entry{id, kind, std::move(callback)});
  return id;
}

void WatchTable::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.id == id) {
      entries_.erase(it);
      return;
    }
  }
}

void WatchTable::fire(const std::string& path, NodeEvent event) {
  std::lock_guard lock(mutex_);
  std::vector<Session::WatchCallback> fired;
  auto [first, last] = entries_.equal_range(path);
  for (auto it = first; it != last;) {
    if (concerns(it->second.kind, event)) {
      fired.push_back(std::move(it->second.callback));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& callback : fired) callback(event);
}

void WatchTable::forget(const std::string& path) {
  std::lock_guard lock(mutex_);
  entries_.erase(path);
}

void WatchTable::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t WatchTable::count(const std::string& path) {
  std::lock_guard lock(mutex_);
  return entries_.count(path);
}

}  // namespace scale::cluster
