#pragma once

// What the scheduling e2e tests submit and check, over a LocalCluster and its database.

#include <chrono>
#include <string>
#include <vector>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"

namespace scale::test {

long long scalar(db::Connection& conn, const std::string& sql);
long long jobs_in(db::Connection& conn, const std::string& status);

// Submits `count` short jobs, round robin over the replicas (any replica takes user intents).
void submit_jobs(const LocalCluster& cluster, int count, int max_tries = 3);
// Submits one job ("sleep 1", 1 cpu) through replica `replica`; its id, or -1.
long long submit_one(const LocalCluster& cluster, int replica, const std::string& name);
std::string job_status(db::Connection& conn, long long id);
bool wait_completed(db::Connection& conn, long long jobs, std::chrono::seconds timeout);

// One launch the emulator's journal recorded.
struct JournalEntry {
  std::string task_id;
  std::string stream_id;
};
std::vector<JournalEntry> journal(const LocalCluster& cluster);

// Every job ran exactly once, judged against the task ids Mesos launched (each launch listed
// once, so an id listed twice was launched twice): one launched execution per job, FINISHED.
// With `one_execution`, no job has any other execution either; without it (a leader killed
// between the write-ahead and its ACCEPT), an extra execution must be one Mesos never launched,
// which reconciliation finished as lost.
void expect_launched_once(const std::vector<std::string>& launched_task_ids, db::Connection& conn,
                          long long jobs, bool one_execution);
// The same against the emulator's launch journal, which also counts duplicate launches itself.
void expect_exactly_once(const LocalCluster& cluster, db::Connection& conn, long long jobs,
                         bool one_execution);

}  // namespace scale::test
