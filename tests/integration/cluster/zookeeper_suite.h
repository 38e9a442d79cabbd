#pragma once

// One real ZooKeeper server for a whole test suite (starting one takes seconds), and a ZooKeeper
// path of each test's own, so tests sharing the server never see each other's nodes.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/servers.h"

namespace scale::cluster::testing {

class ZooKeeperSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new test::ZooKeeperServer(); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  // "<prefix>/<this test's name>".
  static std::string path_of_test(const std::string& prefix = "") {
    return prefix + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  static inline test::ZooKeeperServer* server = nullptr;
};

}  // namespace scale::cluster::testing
