#include "scheduler/queue/queue_walk.h"

#include <algorithm>

namespace scale::queue {

QueueWalk::QueueWalk(const JobQueue& queue)
    : mode_(queue.mode()), heads_(queue.heads()), next_head_(heads_.begin()) {}

void QueueWalk::push(Item item) {
  frontier_.push_back(item);
  std::push_heap(frontier_.begin(), frontier_.end(), RunsLater{mode_});
}

void QueueWalk::pop() {
  std::pop_heap(frontier_.begin(), frontier_.end(), RunsLater{mode_});
  frontier_.pop_back();
}

const QueueWalk::Item* QueueWalk::peek() {
  // A class not yet merged has no job before its head, so it only needs to join once its head
  // would be the next job overall.
  if (next_head_ != heads_.end() &&
      (frontier_.empty() || runs_before(mode_, next_head_->first, frontier_.front().key))) {
    const ShapeClass* shape = next_head_->second;
    push(Item{next_head_->first, shape, shape->first(mode_)});
    ++next_head_;
  }
  return frontier_.empty() ? nullptr : &frontier_.front();
}

void QueueWalk::advance() {
  Item current = frontier_.front();
  pop();
  ShapeClass::Iterator next = current.shape->next(current.at, mode_);
  if (next != current.shape->end()) push(Item{*next, current.shape, next});
}

void QueueWalk::drop() {
  pop();
}

}  // namespace scale::queue
