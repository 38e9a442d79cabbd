#pragma once

// A job waiting in the leader's queue and the two orders the queue can be read in.

#include <cstdint>
#include <optional>
#include <string_view>

#include "scheduler/queue/resources.h"

namespace scale::queue {

// Scale's `queue_mode` setting: order within one priority by queued time.
enum class QueueMode { Fifo, Lifo };
const char* to_string(QueueMode mode);
// The mode a setting names (FIFO or LIFO, upper case as stored); nullopt for any other name.
std::optional<QueueMode> queue_mode_from(std::string_view name);

struct QueuedJob {
  int64_t job_id = 0;
  int priority = 0;  // lower runs first, as Scale
  // Orders jobs of one priority: the job's queued time (e.g. microseconds since the epoch, from
  // `job.queued`) or any sequence that grows with it. Ties fall back to job_id.
  int64_t queued_seq = 0;
  Resources resources;

  bool operator==(const QueuedJob& other) const = default;
};

// Where a job sits in queue order. Unique per job because job_id breaks every tie.
struct QueueKey {
  int priority = 0;
  int64_t queued_seq = 0;
  int64_t job_id = 0;

  bool operator==(const QueueKey& other) const = default;
};

inline QueueKey key_of(const QueuedJob& job) {
  return {job.priority, job.queued_seq, job.job_id};
}

// Priority ascending, then oldest first. The queue stores keys in this order only; LIFO walks the
// same storage with the queued-time part reversed (see ShapeClass), so switching mode is O(1).
struct FifoLess {
  bool operator()(const QueueKey& a, const QueueKey& b) const {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.queued_seq != b.queued_seq) return a.queued_seq < b.queued_seq;
    return a.job_id < b.job_id;
  }
};

// Priority ascending, then newest first.
struct LifoLess {
  bool operator()(const QueueKey& a, const QueueKey& b) const {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.queued_seq != b.queued_seq) return a.queued_seq > b.queued_seq;
    return a.job_id > b.job_id;
  }
};

// "a runs before b" under `mode`.
inline bool runs_before(QueueMode mode, const QueueKey& a, const QueueKey& b) {
  return mode == QueueMode::Fifo ? FifoLess{}(a, b) : LifoLess{}(a, b);
}

}  // namespace scale::queue
