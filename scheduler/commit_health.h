#pragma once

// How the turn commits went since the last take(), for the status warnings.

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "db/error.h"

namespace scale::scheduler {

struct DbHealth {
  std::chrono::milliseconds slowest_commit{0};
  size_t commits = 0;
  size_t failed_commits = 0;
  std::string last_error;
};

class CommitHealth {
 public:
  void note(std::chrono::steady_clock::duration took, const db::Error* error) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
    health_.slowest_commit = std::max(health_.slowest_commit, ms);
    ++health_.commits;
    if (error) {
      ++health_.failed_commits;
      health_.last_error = error->what();
    }
  }
  DbHealth take() { return std::exchange(health_, {}); }

 private:
  DbHealth health_;
};

}  // namespace scale::scheduler
