#include "scheduler/queue/shape_class.h"

#include <iterator>
#include <limits>

namespace scale::queue {
namespace {

// Sorts after every real key of `priority` and before every key of a larger priority.
QueueKey past_priority(int priority) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return {priority, kMax, kMax};
}

}  // namespace

ShapeClass::Iterator ShapeClass::last_of_priority(int priority) const {
  return std::prev(keys_.upper_bound(past_priority(priority)));
}

ShapeClass::Iterator ShapeClass::first(QueueMode mode) const {
  if (keys_.empty() || mode == QueueMode::Fifo) return keys_.begin();
  return last_of_priority(keys_.begin()->priority);
}

ShapeClass::Iterator ShapeClass::next(Iterator at, QueueMode mode) const {
  if (mode == QueueMode::Fifo) return std::next(at);
  if (at != keys_.begin() && std::prev(at)->priority == at->priority) return std::prev(at);
  Iterator next_group = keys_.upper_bound(past_priority(at->priority));
  if (next_group == keys_.end()) return keys_.end();
  return last_of_priority(next_group->priority);
}

}  // namespace scale::queue
