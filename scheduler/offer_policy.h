#pragma once

// What the leader does with the offers it does not use, and whether Mesos should send any:
// which unused offers to hold or decline (and for how long to refuse them), and when to
// SUPPRESS or REVIVE.

#include <chrono>
#include <string>

#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/offer_book.h"

namespace scale::scheduler {

class OfferPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::string role = "*";
    double refuse_seconds_paused = 30;
    double refuse_seconds_idle = 5;
    std::chrono::milliseconds suppress_after{3000};
    std::chrono::milliseconds offer_hold{1000};
    std::chrono::milliseconds offer_hold_reconciling{5000};
  };

  // What the decisions depend on, as of this turn.
  struct Situation {
    bool subscribed = false;
    bool paused = false;
    bool ready_to_launch = false;  // reconciliation done
    bool queue_empty = true;
    bool launches_held = false;  // backpressure (LaunchGate)
  };

  OfferPolicy(Options options, mesos::MesosConnection& mesos)
      : options_(std::move(options)), mesos_(mesos) {}

  // A new subscription starts unsuppressed, and counts as runnable work for suppress_after.
  void on_subscribed(Clock::time_point now);
  // New work may run (jobs queued, the scheduler unpaused): REVIVE at the end of the turn.
  void want_revive() { want_revive_ = true; }

  void decline_rest(OfferBook& offers, const Situation& situation, Clock::time_point now);
  void adjust_suppression(const Situation& situation, Clock::time_point now);

 private:
  double refuse_seconds(const Situation& situation) const;

  Options options_;
  mesos::MesosConnection& mesos_;
  bool suppressed_ = false;
  bool want_revive_ = false;
  Clock::time_point runnable_at_{};  // last time something could run, or the subscription
};

}  // namespace scale::scheduler
