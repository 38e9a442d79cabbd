#include <gtest/gtest.h>

#include <limits>

#include "db/job_store.h"

namespace scale::db {
namespace {

NewJob valid() {
  NewJob job;
  job.name = "n";
  job.command = "c";
  job.resources.cpus = 1;
  return job;
}

TEST(JobValidation, AcceptsAValidJobAndMemOnly) {
  EXPECT_FALSE(job_validation_error(valid()));
  NewJob mem_only = valid();
  mem_only.resources = Resources{0, 64, 0, 0};
  EXPECT_FALSE(job_validation_error(mem_only));
}

TEST(JobValidation, NamesEachProblem) {
  auto error_of = [](auto change) {
    NewJob job = valid();
    change(job);
    return job_validation_error(job).value_or("");
  };
  EXPECT_EQ(error_of([](NewJob& j) { j.name.clear(); }), "name must not be empty");
  EXPECT_EQ(error_of([](NewJob& j) { j.command.clear(); }),
            "command must not be empty (it may be left out only with a container image)");
  EXPECT_EQ(error_of([](NewJob& j) {
              j.command.clear();
              j.task_spec.container = Container{ContainerType::Mesos, "busybox", false, {}, {}, {}};
            }),
            "");
  EXPECT_EQ(error_of([](NewJob& j) { j.resources.gpus = 1.5; }),
            "resources.gpus must be a whole number");
  EXPECT_EQ(error_of([](NewJob& j) { j.task_spec.env["1"] = "x"; }),
            "env names must match [A-Za-z_][A-Za-z0-9_]* (at most 255 bytes)");
  EXPECT_NE(error_of([](NewJob& j) { j.command.assign(kMaxJobCommandLength + 1, 'x'); }), "");
  EXPECT_EQ(error_of([](NewJob& j) { j.resources.disk = -1; }),
            "resources.disk must be a number >= 0");
  EXPECT_EQ(error_of([](NewJob& j) { j.resources.mem = std::numeric_limits<double>::quiet_NaN(); }),
            "resources.mem must be a number >= 0");
  EXPECT_EQ(error_of([](NewJob& j) { j.resources.cpus = 0; }),
            "resources must ask for cpus > 0 or mem > 0");
  EXPECT_EQ(error_of([](NewJob& j) { j.priority = -1; }), "priority must be an integer >= 0");
  EXPECT_EQ(error_of([](NewJob& j) { j.max_tries = 0; }),
            "max_tries must be an integer from 1 to 100");
}

TEST(JobValidation, KnowsTheStatuses) {
  for (const char* status : {"QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELED"}) {
    EXPECT_TRUE(is_job_status(status)) << status;
  }
  EXPECT_FALSE(is_job_status("queued"));
  EXPECT_FALSE(is_job_status("PENDING"));
  EXPECT_FALSE(is_job_status(""));
}

}  // namespace
}  // namespace scale::db
