#pragma once

// All queued jobs that request exactly the same resources. Matching reasons about a whole class
// at once: if its head does not fit any agent, none of its jobs does, so a pass skips the class
// in O(1) instead of walking its (possibly millions of) jobs.

#include <memory_resource>
#include <set>

#include "scheduler/queue/queued_job.h"

namespace scale::queue {

class ShapeClass {
 public:
  // Nodes come from the owning JobQueue's pool: a million small allocations from malloc were
  // most of the bulk-load time.
  using Keys = std::pmr::set<QueueKey, FifoLess>;
  using Iterator = Keys::const_iterator;

  ShapeClass(const Resources& shape, std::pmr::memory_resource* memory)
      : shape_(shape), keys_(memory) {}

  const Resources& shape() const { return shape_; }
  const Keys& keys() const { return keys_; }
  Keys& mutable_keys() { return keys_; }
  bool empty() const { return keys_.empty(); }

  // The class's first job under `mode`, or end() when empty.
  Iterator first(QueueMode mode) const;
  // The job after `at` under `mode`, or end(). FIFO is the storage order. LIFO visits priority
  // groups in ascending order and each group backwards: O(1) inside a group, O(log n) to enter
  // the next group.
  Iterator next(Iterator at, QueueMode mode) const;
  Iterator end() const { return keys_.end(); }

 private:
  // Last key of the priority group `priority` (which must be non-empty).
  Iterator last_of_priority(int priority) const;

  Resources shape_;
  Keys keys_;
};

}  // namespace scale::queue
