#pragma once

// GoogleTest glue for the real-Mesos suite: one line saying why a test is skipped when no real
// Mesos is installed (a skip, never a pass), and the logs kept when a test fails.

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "tests/support/real_mesos.h"

// Skips the current test, naming what is missing, unless MESOS_HOME names a Mesos installation.
#define SCALE_REQUIRE_REAL_MESOS()                                          \
  do {                                                                      \
    std::string scale_why_not;                                              \
    if (!::scale::test::real_mesos_home(&scale_why_not)) {                  \
      GTEST_SKIP() << "real Mesos not available (" << scale_why_not << ")"; \
    }                                                                       \
  } while (0)

namespace scale::test {

// Copies the cluster's logs next to the build when the current test has failed; returns true
// when it did (the caller may print where).
inline bool keep_logs_if_failed(const RealMesos& mesos) {
  if (!::testing::Test::HasFailure()) return false;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      info ? std::string(info->test_suite_name()) + "." + info->name() : "real-mesos";
  std::cerr << "real Mesos logs kept in " << mesos.keep_logs(name).string() << "\n";
  return true;
}

}  // namespace scale::test
