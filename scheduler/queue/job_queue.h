#pragma once

// The leader's in-memory index of QUEUED jobs: rebuilt from the database at promotion (load),
// kept current from submissions, requeues, cancels and launches (insert/remove), read by the
// Matcher once per offer pass. Single-threaded, no I/O.
//
// Layout: jobs are grouped into shape classes (identical resource requests). Each class keeps its
// keys in one ordered set (priority, queued_seq, job_id); LIFO reads the same set with queued time
// reversed inside each priority, so set_mode() is O(1) and never rebuilds anything. Two small maps
// (one per mode) order the classes by their head job, so a pass can merge classes lazily in queue
// order and skip a whole class that fits no agent without touching its jobs.
//
// Cost: insert/remove O(log n); load O(n log n) (one sort, then hinted appends); memory per job is
// one hash entry and one set node.

#include <cstdint>
#include <map>
#include <memory_resource>
#include <optional>
#include <unordered_map>
#include <vector>

#include "scheduler/queue/queued_job.h"
#include "scheduler/queue/shape_class.h"

namespace scale::queue {

class JobQueue {
 public:
  // Orders class heads under one mode; the mode is a member so both maps share one type.
  struct ModeLess {
    QueueMode mode;
    bool operator()(const QueueKey& a, const QueueKey& b) const { return runs_before(mode, a, b); }
  };
  using HeadIndex = std::map<QueueKey, const ShapeClass*, ModeLess>;

  explicit JobQueue(QueueMode mode = QueueMode::Fifo);
  // Classes are referenced by address from the head maps and from Matcher walks.
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Replaces the whole content (promotion: every QUEUED row of the database). Job ids are unique
  // in the database; should one appear twice anyway, the row latest in FIFO order wins.
  void load(std::vector<QueuedJob> jobs);
  void clear();

  // Adds the job, or updates it when its priority, queued time or resources changed. False when
  // the identical job was already queued (a repeated NOTIFY is harmless).
  bool insert(const QueuedJob& job);
  // False when the job was not queued (cancel of a launched job, repeated remove).
  bool remove(int64_t job_id);
  // Moves a queued job to its place under a new priority (PATCH /v6/jobs/{id}/), keeping its
  // queued time: O(log n), nothing else re-sorted. False when the job is not queued or already
  // has that priority.
  bool reprioritize(int64_t job_id, int priority);

  bool contains(int64_t job_id) const { return jobs_.count(job_id) != 0; }
  std::optional<QueuedJob> find(int64_t job_id) const;
  size_t size() const { return jobs_.size(); }
  bool empty() const { return jobs_.empty(); }
  size_t shape_count() const { return shapes_.size(); }

  void set_mode(QueueMode mode) { mode_ = mode; }
  QueueMode mode() const { return mode_; }

  // Shape classes ordered by their first job under the current mode.
  const HeadIndex& heads() const { return mode_ == QueueMode::Fifo ? fifo_heads_ : lifo_heads_; }

  // The first `limit` jobs in queue order: O(limit * log(shapes)). For tests and diagnostics.
  std::vector<QueuedJob> front(size_t limit) const;

 private:
  struct Entry {
    QueueKey key;
    ShapeClass* shape;
  };
  struct Heads {
    std::optional<QueueKey> fifo;
    std::optional<QueueKey> lifo;
  };

  static Heads heads_of(const ShapeClass& shape);
  // Re-files `shape` in the head maps after its keys changed from `before`.
  void update_heads(const ShapeClass& shape, const Heads& before);
  ShapeClass& shape_for(const Resources& resources);

  QueueMode mode_;
  // Declared first so it outlives every container drawing from it. Single-threaded use only.
  std::pmr::unsynchronized_pool_resource pool_;
  std::pmr::unordered_map<int64_t, Entry> jobs_{&pool_};
  std::unordered_map<Resources, ShapeClass, ResourcesHash> shapes_;
  HeadIndex fifo_heads_{ModeLess{QueueMode::Fifo}};
  HeadIndex lifo_heads_{ModeLess{QueueMode::Lifo}};
};

}  // namespace scale::queue
