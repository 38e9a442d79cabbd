// Measures the leader's queue index and offer matcher at 10k / 100k / 1M queued jobs with 1,000
// agents: bulk load (promotion), one matching pass (median of several) in three offer situations,
// and insert/remove throughput. Prints one table row per queue size.
//
// Usage: queue-pass [sizes=10000,100000,1000000] [agents=1000] [passes=7]
//
// Pass situations:
//   fill    every agent wholly free: the pass places jobs until the cluster is full
//   steady  each agent offers room for a couple of jobs, as in a busy cluster's offer round
//   full    offers too small for any job: every shape class is skipped
// The queue is not changed by a pass (the leader removes launched jobs itself), so every repeat
// sees the same queue.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "scheduler/queue/job_queue.h"
#include "scheduler/queue/matcher.h"

namespace {

using scale::queue::AgentOffer;
using scale::queue::JobQueue;
using scale::queue::Matcher;
using scale::queue::PassResult;
using scale::queue::QueuedJob;
using scale::queue::QueueMode;
using scale::queue::Resources;
// CPU time of this thread (user + kernel, so page faults count): the figures then hold on a
// machine shared with compilers, where wall time mostly measures the neighbours.
struct Clock {
  using time_point = double;  // milliseconds
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
};

double ms_since(Clock::time_point start) {
  return Clock::now() - start;
}

// A job mix like a Scale workspace: many small and medium shapes, some GPU jobs and a rare job
// larger than any agent (which exercises the head-of-line path).
Resources random_shape(std::mt19937_64& rng) {
  static const double kCpus[] = {0.5, 1, 2, 4, 8};
  static const double kMem[] = {512, 1024, 4096, 8192, 16384};
  static const double kDisk[] = {1024, 10240, 51200};
  int roll = static_cast<int>(rng() % 1000);
  if (roll == 0) return {64, 262144, 10240, 0};
  Resources r{kCpus[rng() % 5], kMem[rng() % 5], kDisk[rng() % 3], 0};
  if (roll < 50) r.gpus = 1 + static_cast<double>(rng() % 2);
  return r;
}

std::vector<QueuedJob> make_jobs(size_t count, std::mt19937_64& rng) {
  std::vector<QueuedJob> jobs;
  jobs.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    int priority = 1 + static_cast<int>(rng() % 10) * 10;
    jobs.push_back(
        {static_cast<int64_t>(i + 1), priority, static_cast<int64_t>(i), random_shape(rng)});
  }
  std::shuffle(jobs.begin(), jobs.end(), rng);  // database rows arrive in no useful order
  return jobs;
}

// 10% GPU agents, the rest plain; `free_fraction` of each agent's capacity is on offer.
std::vector<AgentOffer> make_agents(size_t count, double free_fraction) {
  std::vector<AgentOffer> agents;
  for (size_t i = 0; i < count; ++i) {
    bool gpu = i % 10 == 0;
    Resources total = gpu ? Resources{32, 131072, 1048576, 4} : Resources{16, 65536, 512000, 0};
    Resources free{total.cpus * free_fraction, total.mem * free_fraction,
                   total.disk * free_fraction, total.gpus * free_fraction};
    agents.push_back({"agent-" + std::to_string(i), free, total, false});
  }
  return agents;
}

struct PassFigures {
  double median_ms = 0;
  size_t placed = 0;
  size_t examined = 0;
};

PassFigures time_pass(const JobQueue& queue, const std::vector<AgentOffer>& agents, int passes) {
  std::vector<double> times;
  PassResult last;
  for (int i = 0; i < passes; ++i) {
    Matcher matcher;
    auto start = Clock::now();
    last = matcher.run_pass(queue, agents);
    times.push_back(ms_since(start));
  }
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], last.placements.size(), last.stats.jobs_examined};
}

// Promotion builds a new index (stepping down dropped the old one), so each run loads into a fresh
// queue; freeing the previous run's queue is not timed. The last run's queue is kept in `queue`.
double median_load_ms(std::unique_ptr<JobQueue>& queue, const std::vector<QueuedJob>& jobs,
                      int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    std::vector<QueuedJob> copy = jobs;  // load() consumes its rows; the copy is not timed
    auto fresh = std::make_unique<JobQueue>();
    auto start = Clock::now();
    fresh->load(std::move(copy));
    times.push_back(ms_since(start));
    queue = std::move(fresh);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Removes then re-inserts `ops` random queued jobs; returns {inserts/s, removes/s}.
std::pair<double, double> churn(JobQueue& queue, const std::vector<QueuedJob>& jobs, size_t ops,
                                std::mt19937_64& rng) {
  std::vector<QueuedJob> victims;
  for (size_t i = 0; i < ops; ++i) victims.push_back(jobs[rng() % jobs.size()]);
  auto start = Clock::now();
  for (const QueuedJob& job : victims) queue.remove(job.job_id);
  double remove_ms = ms_since(start);
  start = Clock::now();
  for (const QueuedJob& job : victims) queue.insert(job);
  double insert_ms = ms_since(start);
  return {ops / insert_ms * 1000, ops / remove_ms * 1000};
}

std::vector<size_t> parse_sizes(const char* text) {
  std::vector<size_t> sizes;
  std::string list = text;
  for (size_t pos = 0; pos < list.size();) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    sizes.push_back(std::stoul(list.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return sizes;
}

void run_size(size_t size, size_t agent_count, int passes) {
  std::mt19937_64 rng(42);
  std::vector<QueuedJob> jobs = make_jobs(size, rng);
  std::unique_ptr<JobQueue> loaded;
  double load_ms = median_load_ms(loaded, jobs, 3);
  JobQueue& queue = *loaded;
  PassFigures fill = time_pass(queue, make_agents(agent_count, 1.0), passes);
  PassFigures steady = time_pass(queue, make_agents(agent_count, 0.125), passes);
  PassFigures full = time_pass(queue, make_agents(agent_count, 0.01), passes);
  queue.set_mode(QueueMode::Lifo);
  PassFigures lifo = time_pass(queue, make_agents(agent_count, 1.0), passes);
  queue.set_mode(QueueMode::Fifo);
  auto [inserts, removes] = churn(queue, jobs, std::min<size_t>(size, 100000), rng);
  std::printf("%9zu %7zu %9.1f %8.2f %7zu %9.2f %7zu %8.3f %9.2f %12.0f %12.0f\n", size,
              queue.shape_count(), load_ms, fill.median_ms, fill.placed, steady.median_ms,
              steady.placed, full.median_ms, lifo.median_ms, inserts, removes);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes = parse_sizes(argc > 1 ? argv[1] : "10000,100000,1000000");
  size_t agents = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  int passes = argc > 3 ? std::atoi(argv[3]) : 7;
  std::printf("agents=%zu; thread CPU times; pass times are the median of %d passes\n", agents,
              passes);
  std::printf("%9s %7s %9s %8s %7s %9s %7s %8s %9s %12s %12s\n", "queued", "shapes", "load_ms",
              "fill_ms", "placed", "steady_ms", "placed", "full_ms", "lifo_ms", "inserts/s",
              "removes/s");
  for (size_t size : sizes) run_size(size, agents, passes);
  return 0;
}
