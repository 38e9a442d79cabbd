#include "cluster/standalone_contender.h"

#include <utility>
#include <vector>

namespace scale::cluster {

// A term the owner of a StandaloneContender ends or suspends. Shared by the contender (to end
// it) and the handle contend() returned.
class StandaloneTerm {
 public:
  explicit StandaloneTerm(long long epoch) : epoch_(epoch) {}

  long long epoch() const { return epoch_; }
  bool acting() const {
    std::lock_guard lock(mutex_);
    return reason_ == TermEndReason::None && !suspended_;
  }
  TermEndReason reason() const {
    std::lock_guard lock(mutex_);
    return reason_;
  }
  bool wait_ended(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return ended_cv_.wait_for(lock, timeout, [&] { return reason_ != TermEndReason::None; });
  }
  void on_end(std::function<void(TermEndReason)> callback) {
    std::unique_lock lock(mutex_);
    if (reason_ == TermEndReason::None) {
      callbacks_.push_back(std::move(callback));
      return;
    }
    const TermEndReason reason = reason_;
    lock.unlock();
    callback(reason);
  }
  void suspend(bool suspended) {
    std::lock_guard lock(mutex_);
    suspended_ = suspended;
  }
  // Once; the callbacks run on the caller's thread.
  void end(TermEndReason why) {
    std::vector<std::function<void(TermEndReason)>> fired;
    {
      std::lock_guard lock(mutex_);
      if (reason_ != TermEndReason::None) return;
      reason_ = why;
      fired.swap(callbacks_);
    }
    ended_cv_.notify_all();
    for (auto& callback : fired) callback(why);
  }

 private:
  const long long epoch_;
  mutable std::mutex mutex_;
  std::condition_variable ended_cv_;
  TermEndReason reason_ = TermEndReason::None;
  bool suspended_ = false;
  std::vector<std::function<void(TermEndReason)>> callbacks_;
};

namespace {

class TermHandle final : public Term {
 public:
  explicit TermHandle(std::shared_ptr<StandaloneTerm> term) : term_(std::move(term)) {}
  ~TermHandle() override { resign(); }

  long long epoch() const override { return term_->epoch(); }
  std::string node_path() const override {
    return "/standalone/n_" + std::to_string(term_->epoch());
  }
  bool acting() const override { return term_->acting(); }
  bool ended() const override { return term_->reason() != TermEndReason::None; }
  TermEndReason end_reason() const override { return term_->reason(); }
  bool wait_ended(std::chrono::milliseconds timeout) override { return term_->wait_ended(timeout); }
  void on_end(std::function<void(TermEndReason)> callback) override {
    term_->on_end(std::move(callback));
  }
  void resign() override { term_->end(TermEndReason::Resigned); }

 private:
  const std::shared_ptr<StandaloneTerm> term_;
};

}  // namespace

StandaloneContender::StandaloneContender() = default;

StandaloneContender::~StandaloneContender() {
  depose(TermEndReason::Closed);
}

std::unique_ptr<Term> StandaloneContender::contend(const CandidateInfo& me, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  candidate_ = me;
  changed_.notify_all();
  changed_.wait(lock, stop, [&] { return appointed_.has_value(); });
  candidate_.reset();
  if (!appointed_) return nullptr;
  running_ = std::make_shared<StandaloneTerm>(*std::exchange(appointed_, std::nullopt));
  return std::make_unique<TermHandle>(running_);
}

void StandaloneContender::appoint(long long epoch) {
  depose(TermEndReason::NodeDeleted);
  {
    std::lock_guard lock(mutex_);
    appointed_ = epoch;
  }
  changed_.notify_all();
}

void StandaloneContender::depose(TermEndReason reason) {
  std::shared_ptr<StandaloneTerm> running;
  {
    std::lock_guard lock(mutex_);
    running = std::move(running_);
  }
  if (running) running->end(reason);
}

void StandaloneContender::suspend(bool suspended) {
  std::lock_guard lock(mutex_);
  if (running_) running_->suspend(suspended);
}

std::optional<CandidateInfo> StandaloneContender::candidate() const {
  std::lock_guard lock(mutex_);
  return candidate_;
}

}  // namespace scale::cluster
