#include "scheduler/offer_policy.h"

#include <vector>

namespace scale::scheduler {

void OfferPolicy::on_subscribed(Clock::time_point now) {
  suppressed_ = false;
  runnable_at_ = now;
}

void OfferPolicy::decline_rest(OfferBook& offers, const Situation& situation,
                               Clock::time_point now) {
  const bool idle = !situation.paused && situation.ready_to_launch && situation.queue_empty;
  // Offers are kept while reconciling or while launches are held, for the launches that follow.
  const bool reconciling = situation.subscribed && !situation.paused &&
                           (!situation.ready_to_launch || situation.launches_held);
  const auto rest = idle          ? offers.take_older_than(now - options_.offer_hold)
                    : reconciling ? offers.take_older_than(now - options_.offer_hold_reconciling)
                                  : offers.take_all();
  if (rest.empty()) return;
  const double refuse = refuse_seconds(situation);
  // One DECLINE for many agents' offers (the call allows it): a call per agent made every
  // allocation round with little work queued a storm of calls.
  constexpr size_t kOffersPerDecline = 1000;
  std::vector<std::string> ids;
  for (const auto& agent : rest) {
    ids.insert(ids.end(), agent.offer_ids.begin(), agent.offer_ids.end());
    if (ids.size() < kOffersPerDecline) continue;
    mesos_.decline(ids, refuse);
    ids.clear();
  }
  if (!ids.empty()) mesos_.decline(ids, refuse);
}

double OfferPolicy::refuse_seconds(const Situation& situation) const {
  if (situation.paused) return options_.refuse_seconds_paused;
  if (situation.launches_held && !situation.queue_empty) return 1;  // held briefly: soon back
  if (situation.ready_to_launch || situation.queue_empty) return options_.refuse_seconds_idle;
  return 1;  // waiting for reconciliation: ask again soon
}

void OfferPolicy::adjust_suppression(const Situation& situation, Clock::time_point now) {
  if (!situation.subscribed) return;
  if (situation.paused || situation.queue_empty) {
    want_revive_ = false;
    if (!suppressed_ && now - runnable_at_ >= options_.suppress_after &&
        mesos_.suppress({options_.role})) {
      suppressed_ = true;
    }
    return;
  }
  runnable_at_ = now;
  if ((suppressed_ || want_revive_) && mesos_.revive({options_.role})) {
    suppressed_ = false;
    want_revive_ = false;
  }
}

}  // namespace scale::scheduler
