#include "api/sandbox_link.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(SandboxLink, TheUiIsTheConfiguredUrlElseAnHttpMaster) {
  EXPECT_EQ(mesos_ui_base("https://mesos.example/", "zk://zk1:2181/mesos"),
            "https://mesos.example");
  EXPECT_EQ(mesos_ui_base("", "http://127.0.0.1:5050"), "http://127.0.0.1:5050");
  EXPECT_EQ(mesos_ui_base("", "https://master:5050//"), "https://master:5050");
  EXPECT_FALSE(mesos_ui_base("", "zk://zk1:2181,zk2:2181/mesos"));
  EXPECT_FALSE(mesos_ui_base("", ""));
}

TEST(SandboxLink, PointsAtTheExecutorsBrowsePageWithEncodedIds) {
  EXPECT_EQ(sandbox_url("http://m:5050", "a1-S0", "fw-0001", "scale_job_7_1"),
            "http://m:5050/#/agents/a1-S0/frameworks/fw-0001/executors/scale_job_7_1/browse");
  EXPECT_EQ(sandbox_url("http://m", "a/b", "f w", "e#1"),
            "http://m/#/agents/a%2Fb/frameworks/f%20w/executors/e%231/browse");
  EXPECT_FALSE(sandbox_url("http://m", "", "fw", "e"));
  EXPECT_FALSE(sandbox_url("http://m", "a", "", "e"));
}

}  // namespace
}  // namespace scale::api
