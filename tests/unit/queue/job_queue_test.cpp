#include "scheduler/queue/job_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace scale::queue {
namespace {

const Resources kSmall{1, 1024, 1000, 0};
const Resources kLarge{8, 16384, 1000, 0};

QueuedJob job(int64_t id, int priority, int64_t queued, Resources r = kSmall) {
  return {id, priority, queued, r};
}

std::vector<int64_t> ids(const JobQueue& queue) {
  std::vector<int64_t> out;
  for (const QueuedJob& j : queue.front(queue.size())) out.push_back(j.job_id);
  return out;
}

TEST(JobQueue, OrdersByPriorityThenOldestFirst) {
  JobQueue queue;
  queue.insert(job(1, 100, 30));
  queue.insert(job(2, 50, 40, kLarge));
  queue.insert(job(3, 100, 10, kLarge));
  queue.insert(job(4, 50, 20));
  queue.insert(job(5, 100, 20));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 2, 3, 5, 1}));
}

TEST(JobQueue, LifoReversesQueuedTimeWithinEachPriorityOnly) {
  JobQueue queue(QueueMode::Lifo);
  queue.insert(job(1, 100, 30));
  queue.insert(job(2, 50, 40, kLarge));
  queue.insert(job(3, 100, 10, kLarge));
  queue.insert(job(4, 50, 20));
  queue.insert(job(5, 100, 20));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{2, 4, 1, 5, 3}));
}

TEST(JobQueue, ModeNamesReadBackAsTheModesTheyName) {
  for (QueueMode mode : {QueueMode::Fifo, QueueMode::Lifo}) {
    EXPECT_EQ(queue_mode_from(to_string(mode)), mode) << to_string(mode);
  }
  EXPECT_EQ(queue_mode_from("lifo"), std::nullopt);  // the store keeps the setting upper case
  EXPECT_EQ(queue_mode_from(""), std::nullopt);
}

TEST(JobQueue, SwitchingModeAtRuntimeFlipsOrderAndKeepsIndexCurrent) {
  JobQueue queue;
  for (int64_t i = 1; i <= 4; ++i) queue.insert(job(i, 1, i, i % 2 ? kSmall : kLarge));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{1, 2, 3, 4}));
  queue.set_mode(QueueMode::Lifo);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 3, 2, 1}));
  // Changes made while in one mode show in the other.
  queue.insert(job(5, 1, 5));
  queue.remove(3);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{5, 4, 2, 1}));
  queue.set_mode(QueueMode::Fifo);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{1, 2, 4, 5}));
}

TEST(JobQueue, EqualQueuedTimesFallBackToJobId) {
  JobQueue queue;
  queue.insert(job(9, 1, 7));
  queue.insert(job(3, 1, 7));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{3, 9}));
  queue.set_mode(QueueMode::Lifo);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{9, 3}));
}

TEST(JobQueue, InsertIsIdempotentAndUpdatesAChangedJob) {
  JobQueue queue;
  EXPECT_TRUE(queue.insert(job(1, 10, 1)));
  EXPECT_FALSE(queue.insert(job(1, 10, 1)));
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_TRUE(queue.insert(job(2, 10, 2)));
  // Same id with a new priority and shape replaces the old entry.
  EXPECT_TRUE(queue.insert(job(1, 20, 1, kLarge)));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(*queue.find(1), job(1, 20, 1, kLarge));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{2, 1}));
}

TEST(JobQueue, ReprioritizeMovesOneJobAndKeepsItsQueuedTime) {
  JobQueue queue;
  queue.insert(job(1, 100, 10));
  queue.insert(job(2, 100, 20, kLarge));
  queue.insert(job(3, 100, 30));
  queue.insert(job(4, 100, 40, kLarge));
  ASSERT_EQ(ids(queue), (std::vector<int64_t>{1, 2, 3, 4}));
  // The last job jumps ahead of every class's head, then falls behind everything.
  EXPECT_TRUE(queue.reprioritize(4, 10));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 1, 2, 3}));
  EXPECT_EQ(*queue.find(4), job(4, 10, 40, kLarge));
  EXPECT_TRUE(queue.reprioritize(1, 500));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 2, 3, 1}));
  queue.set_mode(QueueMode::Lifo);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 3, 2, 1}));
  // Equal priority again: back to its queued-time place.
  EXPECT_TRUE(queue.reprioritize(4, 100));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{4, 3, 2, 1}));
  queue.set_mode(QueueMode::Fifo);
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{2, 3, 4, 1}));
  EXPECT_FALSE(queue.reprioritize(4, 100));  // unchanged
  EXPECT_FALSE(queue.reprioritize(42, 1));   // not queued
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_EQ(queue.shape_count(), 2u);
}

TEST(JobQueue, InsertWithOnlyANewPriorityReprioritizes) {
  JobQueue queue;
  queue.insert(job(1, 100, 10));
  queue.insert(job(2, 100, 20));
  EXPECT_TRUE(queue.insert(job(2, 1, 20)));
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(queue.heads().size(), 1u);
}

TEST(JobQueue, RemoveIsIdempotentAndDropsEmptyShapes) {
  JobQueue queue;
  queue.insert(job(1, 1, 1));
  queue.insert(job(2, 1, 2, kLarge));
  EXPECT_EQ(queue.shape_count(), 2u);
  EXPECT_TRUE(queue.remove(2));
  EXPECT_FALSE(queue.remove(2));
  EXPECT_FALSE(queue.remove(42));
  EXPECT_FALSE(queue.contains(2));
  EXPECT_TRUE(queue.contains(1));
  EXPECT_EQ(queue.shape_count(), 1u);
  EXPECT_EQ(queue.heads().size(), 1u);
  EXPECT_TRUE(queue.remove(1));
  EXPECT_TRUE(queue.empty());
  EXPECT_TRUE(queue.heads().empty());
}

TEST(JobQueue, LoadReplacesEverythingAndKeepsOneRowPerJob) {
  JobQueue queue;
  queue.insert(job(99, 1, 1));
  queue.load({job(3, 5, 3), job(1, 5, 1, kLarge), job(2, 1, 2), job(1, 5, 9, kLarge)});
  EXPECT_FALSE(queue.contains(99));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.find(1)->queued_seq, 9);  // the duplicate row latest in FIFO order wins
  EXPECT_EQ(ids(queue), (std::vector<int64_t>{2, 3, 1}));
}

// Random operations against a sorted reference, across many shapes and both modes: load, insert,
// update and remove all keep the shape classes and head maps consistent.
TEST(JobQueue, MatchesASortedReferenceUnderRandomChurn) {
  std::mt19937 rng(7);
  auto random_job = [&rng](int64_t id) {
    Resources r{static_cast<double>(1 + rng() % 4), 1024, 100, static_cast<double>(rng() % 2)};
    return job(id, static_cast<int>(rng() % 5), static_cast<int64_t>(rng() % 50), r);
  };
  std::vector<QueuedJob> reference;
  for (int64_t id = 1; id <= 300; ++id) reference.push_back(random_job(id));
  JobQueue queue;
  queue.load(reference);
  for (int step = 0; step < 2000; ++step) {
    int64_t id = 1 + static_cast<int64_t>(rng() % 400);
    auto it = std::find_if(reference.begin(), reference.end(),
                           [id](const QueuedJob& j) { return j.job_id == id; });
    if (rng() % 2 && it != reference.end()) {
      EXPECT_TRUE(queue.remove(id));
      reference.erase(it);
    } else {
      QueuedJob fresh = random_job(id);
      queue.insert(fresh);
      if (it != reference.end())
        *it = fresh;
      else
        reference.push_back(fresh);
    }
  }
  for (QueueMode mode : {QueueMode::Fifo, QueueMode::Lifo}) {
    queue.set_mode(mode);
    std::sort(reference.begin(), reference.end(), [mode](const QueuedJob& a, const QueuedJob& b) {
      return runs_before(mode, key_of(a), key_of(b));
    });
    EXPECT_EQ(queue.front(reference.size() + 1), reference) << to_string(mode);
  }
}

}  // namespace
}  // namespace scale::queue
