#pragma once

// The launch journal: one entry per task the emulator launched, kept in memory (GET /sim/journal)
// and appended to a file as JSON lines, so drills can prove "no task launched twice" and tests can
// read the TaskInfo the scheduler sent.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace mesos_sim {

struct LaunchRecord {
  uint64_t seq = 0;
  double time = 0;  // wall clock seconds
  std::string task_id, agent_id, framework_id, stream_id;
  std::string task_info;  // the TaskInfo JSON object as sent; empty: none
};

class Journal {
 public:
  explicit Journal(const std::string& path);  // empty path: memory only; throws if unopenable
  void append(LaunchRecord record);
  void flush();  // writes buffered lines to the file (called once per core loop iteration)
  const std::vector<LaunchRecord>& records() const { return records_; }
  std::string json(uint64_t since) const;  // {"launches":[...],"next":N}

 private:
  std::vector<LaunchRecord> records_;
  std::ofstream file_;
  std::string pending_;
};

}  // namespace mesos_sim
