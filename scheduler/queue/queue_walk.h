#pragma once

// Reads a JobQueue in queue order by lazily merging its shape classes: a class enters the merge
// only when its head is the next job overall, so a walk that stops early costs
// O(jobs visited * log(classes visited)), independent of the queue's length. A caller may drop()
// a class to skip all of its remaining jobs in O(1). The queue must not change during a walk.

#include <vector>

#include "scheduler/queue/job_queue.h"

namespace scale::queue {

class QueueWalk {
 public:
  struct Item {
    QueueKey key;
    const ShapeClass* shape;
    ShapeClass::Iterator at;
  };

  explicit QueueWalk(const JobQueue& queue);

  // The next job in queue order among classes not dropped, or nullptr at the end. Stable until
  // advance() or drop().
  const Item* peek();
  // Consumes the peeked job; its class continues with its next job.
  void advance();
  // Consumes the peeked job and skips the rest of its class.
  void drop();

 private:
  // std::push_heap keeps the max first; "later in queue order" is the max, so the earliest job
  // is on top.
  struct RunsLater {
    QueueMode mode;
    bool operator()(const Item& a, const Item& b) const { return runs_before(mode, b.key, a.key); }
  };

  void push(Item item);
  void pop();

  QueueMode mode_;
  const JobQueue::HeadIndex& heads_;
  JobQueue::HeadIndex::const_iterator next_head_;
  std::vector<Item> frontier_;
};

}  // namespace scale::queue
