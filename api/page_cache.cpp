#include "api/page_cache.h"

namespace scale::api {

SnapshotPageCache::SnapshotPageCache(size_t capacity) : capacity_(capacity) {}

bool SnapshotPageCache::holds(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return pages_.count(key) != 0;
}

std::optional<std::string> SnapshotPageCache::find(const std::string& key,
                                                   const std::string& snapshot) {
  std::lock_guard lock(mutex_);
  const auto page = pages_.find(key);
  if (page == pages_.end() || page->second.snapshot != snapshot) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return page->second.body;
}

void SnapshotPageCache::store(const std::string& key, std::string snapshot, std::string body) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  auto [page, inserted] = pages_.try_emplace(key);
  page->second = Page{std::move(snapshot), std::move(body)};
  if (!inserted) return;
  order_.push_back(key);
  if (order_.size() <= capacity_) return;
  pages_.erase(order_.front());
  order_.pop_front();
}

}  // namespace scale::api
