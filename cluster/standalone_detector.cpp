#include "cluster/standalone_detector.h"

namespace scale::cluster {

void StandaloneDetector::appoint(std::optional<Member> leader) {
  std::vector<Member> members;
  if (leader) members.push_back(std::move(*leader));
  detected_.update(std::move(members));
}

}  // namespace scale::cluster
