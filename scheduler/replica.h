#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "cluster/contender.h"
#include "cluster/detector.h"
#include "cluster/election.h"
#include "scheduler/replica_metrics.h"
#include "scheduler/replica_options.h"
#include "scheduler/replica_standby.h"

namespace scale::scheduler {

// One replica's life as a candidate: run for leadership, lead until the term ends, rejoin as a
// follower — forever, until stop. The election's group takes care of the ZooKeeper session
// (a new one after an expiry).
class Replica {
 public:
  // `contender` runs the candidacies; `replicas` is who stands in the election (the leader's
  // status document lists them). `metrics` (optional) hears of every term this replica leads.
  // All must outlive the Replica.
  Replica(const ReplicaOptions& options, cluster::Contender& contender, cluster::Detector& replicas,
          ReplicaMetrics* metrics = nullptr);
  ~Replica();

  // Returns when stop is requested, or early after a fatal error (see fatal_error()).
  void run(std::stop_token stop);

  // True while this replica holds a promoted term that is acting (not suspended).
  bool leading() const;

  // Set when run() gave up because retrying cannot help (the ZooKeeper ACL of the election path
  // refuses this replica): one line for the operator, no secret in it.
  std::optional<std::string> fatal_error() const;

 private:
  void lead(std::unique_ptr<cluster::Term> term, std::stop_token stop);
  // Opens what the next promotion starts with (kept while following): a warmed connection and,
  // when scheduling, the leader's listener. Failing is not fatal: the Leader connects itself.
  void prepare_standby();

  const ReplicaOptions& options_;
  cluster::Contender& contender_;
  cluster::Detector& replicas_;
  ReplicaMetrics* metrics_;
  const std::string started_;  // ISO-8601 UTC, for the election data
  Standby standby_;            // candidate thread only
  bool standby_warned_ = false;
  std::atomic<bool> promoted_{false};
  mutable std::mutex term_mutex_;
  cluster::Term* term_ = nullptr;           // the term being led, guarded by term_mutex_
  std::optional<std::string> fatal_error_;  // guarded by term_mutex_
};

}  // namespace scale::scheduler
