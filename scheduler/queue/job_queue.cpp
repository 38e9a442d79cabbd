#include "scheduler/queue/job_queue.h"

#include <algorithm>

#include "scheduler/queue/queue_walk.h"

namespace scale::queue {

const char* to_string(QueueMode mode) {
  return mode == QueueMode::Fifo ? "FIFO" : "LIFO";
}

std::optional<QueueMode> queue_mode_from(std::string_view name) {
  if (name == "FIFO") return QueueMode::Fifo;
  if (name == "LIFO") return QueueMode::Lifo;
  return std::nullopt;
}

JobQueue::JobQueue(QueueMode mode) : mode_(mode) {}

JobQueue::Heads JobQueue::heads_of(const ShapeClass& shape) {
  if (shape.empty()) return {};
  return {*shape.first(QueueMode::Fifo), *shape.first(QueueMode::Lifo)};
}

void JobQueue::update_heads(const ShapeClass& shape, const Heads& before) {
  Heads after = heads_of(shape);
  if (before.fifo != after.fifo) {
    if (before.fifo) fifo_heads_.erase(*before.fifo);
    if (after.fifo) fifo_heads_.emplace(*after.fifo, &shape);
  }
  if (before.lifo != after.lifo) {
    if (before.lifo) lifo_heads_.erase(*before.lifo);
    if (after.lifo) lifo_heads_.emplace(*after.lifo, &shape);
  }
}

ShapeClass& JobQueue::shape_for(const Resources& resources) {
  return shapes_.try_emplace(resources, resources, &pool_).first->second;
}

void JobQueue::clear() {
  jobs_.clear();
  shapes_.clear();
  fifo_heads_.clear();
  lifo_heads_.clear();
}

void JobQueue::load(std::vector<QueuedJob> jobs) {
  clear();
  // Sorted input lets every class append at its end (amortised O(1) hinted insert) instead of
  // searching its tree per job; the sort is the only O(n log n) step.
  std::sort(jobs.begin(), jobs.end(), [](const QueuedJob& a, const QueuedJob& b) {
    return FifoLess{}(key_of(a), key_of(b));
  });
  jobs_.reserve(jobs.size());
  std::vector<QueuedJob> duplicates;
  for (const QueuedJob& job : jobs) {
    ShapeClass& shape = shape_for(job.resources);
    if (!jobs_.try_emplace(job.job_id, Entry{key_of(job), &shape}).second) {
      duplicates.push_back(job);
      continue;
    }
    shape.mutable_keys().emplace_hint(shape.keys().end(), key_of(job));
  }
  for (const auto& [resources, shape] : shapes_) {
    if (!shape.empty()) update_heads(shape, Heads{});
  }
  // A repeated job_id was skipped above; upserting it now lets the later row win.
  for (const QueuedJob& job : duplicates) insert(job);
  std::erase_if(shapes_, [](const auto& entry) { return entry.second.empty(); });
}

bool JobQueue::insert(const QueuedJob& job) {
  auto existing = jobs_.find(job.job_id);
  if (existing != jobs_.end()) {
    const Entry& entry = existing->second;
    if (entry.shape->shape() == job.resources && entry.key.queued_seq == job.queued_seq) {
      return reprioritize(job.job_id, job.priority);
    }
    remove(job.job_id);
  }
  ShapeClass& shape = shape_for(job.resources);
  Heads before = heads_of(shape);
  shape.mutable_keys().insert(key_of(job));
  update_heads(shape, before);
  jobs_.emplace(job.job_id, Entry{key_of(job), &shape});
  return true;
}

bool JobQueue::remove(int64_t job_id) {
  auto found = jobs_.find(job_id);
  if (found == jobs_.end()) return false;
  ShapeClass& shape = *found->second.shape;
  Heads before = heads_of(shape);
  shape.mutable_keys().erase(found->second.key);
  update_heads(shape, before);
  jobs_.erase(found);
  if (shape.empty()) {
    Resources resources = shape.shape();  // the map key must outlive the erase
    shapes_.erase(resources);
  }
  return true;
}

bool JobQueue::reprioritize(int64_t job_id, int priority) {
  auto found = jobs_.find(job_id);
  if (found == jobs_.end() || found->second.key.priority == priority) return false;
  Entry& entry = found->second;
  ShapeClass& shape = *entry.shape;
  Heads before = heads_of(shape);
  shape.mutable_keys().erase(entry.key);
  entry.key.priority = priority;
  shape.mutable_keys().insert(entry.key);
  update_heads(shape, before);
  return true;
}

std::optional<QueuedJob> JobQueue::find(int64_t job_id) const {
  auto found = jobs_.find(job_id);
  if (found == jobs_.end()) return std::nullopt;
  const QueueKey& key = found->second.key;
  return QueuedJob{key.job_id, key.priority, key.queued_seq, found->second.shape->shape()};
}

std::vector<QueuedJob> JobQueue::front(size_t limit) const {
  std::vector<QueuedJob> out;
  QueueWalk walk(*this);
  while (out.size() < limit) {
    const QueueWalk::Item* item = walk.peek();
    if (item == nullptr) break;
    out.push_back(
        {item->key.job_id, item->key.priority, item->key.queued_seq, item->shape->shape()});
    walk.advance();
  }
  return out;
}

}  // namespace scale::queue
