#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// Submits short jobs through HAProxy's read frontend at a fixed rate for the whole drill and keeps
// every job id the API gave back: the "no job lost" audit checks each of them.
namespace scale::drill {

struct LoadStats {
  long attempted = 0, accepted = 0, no_answer = 0, skipped = 0;
  std::map<int, long> rejected;  // HTTP status -> count (503 while PostgreSQL restarts, ...)
  std::map<int, std::string> first_body;  // HTTP status -> the first rejection's body
  std::string first_error;                // why the first unanswered submit got no answer
};

class LoadGenerator {
 public:
  LoadGenerator(std::string url, double rate_per_s, std::string command = "true");
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void stop();  // waits for the requests in flight
  std::vector<long long> job_ids() const;
  LoadStats stats() const;

 private:
  void worker();

  std::string url_;
  double rate_;
  std::string command_json_;  // the job's command, as a JSON string
  std::chrono::steady_clock::time_point start_;
  std::atomic<long> next_slot_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<long long> ids_;
  LoadStats stats_;
  std::vector<std::thread> workers_;
};

}  // namespace scale::drill
