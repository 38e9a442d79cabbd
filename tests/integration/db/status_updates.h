#pragma once

// Status updates for the execution-store tests, as an executor on agent-1 sends them, and the
// store applying one of them.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/execution_store.h"

namespace scale::db::testing {

inline TaskStatusUpdate executor_update(const std::string& task, const std::string& state,
                                        double timestamp = 0) {
  TaskStatusUpdate u;
  u.task_id = task;
  u.state = state;
  u.source = "SOURCE_EXECUTOR";
  u.agent_id = "agent-1";
  u.timestamp = timestamp;
  return u;
}

inline UpdateOutcome apply_one(Connection& conn, long long epoch, const TaskStatusUpdate& u) {
  std::vector<UpdateOutcome> got = ExecutionStore::apply_updates(conn, epoch, {u});
  EXPECT_EQ(got.size(), 1u);
  return got.empty() ? UpdateOutcome{} : got[0];
}

}  // namespace scale::db::testing
