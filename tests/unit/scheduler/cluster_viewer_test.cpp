// ClusterViewer: the REST API's leader view follows the election's Detector as it changes,
// exercised over the in-memory StandaloneDetector.
#include "scheduler/cluster_viewer.h"

#include <gtest/gtest.h>

#include "cluster/candidate_info.h"
#include "cluster/standalone_detector.h"

namespace scale::scheduler {
namespace {

cluster::Member member(const std::string& replica_id, long long sequence) {
  return {"n_guid-" + std::to_string(sequence), sequence,
          cluster::to_json({replica_id, "http://" + replica_id, "host", 1, "", ""})};
}

TEST(ClusterViewerTest, UnknownWhileNobodyStands) {
  cluster::StandaloneDetector election;
  ClusterViewer viewer(election);
  EXPECT_FALSE(viewer.leader());
}

TEST(ClusterViewerTest, SeesTheLeaderKnownWhenItStarts) {
  cluster::StandaloneDetector election;
  election.set_members({member("r1", 1), member("r2", 2)});
  ClusterViewer viewer(election);
  EXPECT_EQ(viewer.leader(), "r1");
}

TEST(ClusterViewerTest, FollowsEveryChangeOfLeader) {
  cluster::StandaloneDetector election;
  ClusterViewer viewer(election);
  election.set_members({member("r1", 1), member("r2", 2)});
  EXPECT_EQ(viewer.leader(), "r1");
  election.set_members({member("r2", 2)});
  EXPECT_EQ(viewer.leader(), "r2");
  election.appoint(std::nullopt);
  EXPECT_FALSE(viewer.leader());
}

TEST(ClusterViewerTest, AMemberWhoseDataDoesNotParseIsNotTheLeader) {
  cluster::StandaloneDetector election;
  ClusterViewer viewer(election);
  election.set_members({{"n_guid-1", 1, "not json"}, member("r2", 2)});
  EXPECT_EQ(viewer.leader(), "r2");
}

}  // namespace
}  // namespace scale::scheduler
