// Links the conformance tests to the emulator (see master_under_test.h).

#include <stdexcept>

#include "master_under_test.h"

namespace mesos_sim::test {

std::vector<MasterKind> masters_under_test() {
  return {MasterKind::kEmulator};
}

std::shared_ptr<MasterUnderTest> start_master(MasterKind kind, const MasterSpec& spec) {
  if (kind != MasterKind::kEmulator) throw std::logic_error("this binary tests mesos-sim");
  return start_emulator(spec);
}

void require_master(MasterKind) {}

std::unique_ptr<ElectingMasters> start_electing_masters(
    MasterKind kind, int count,
    const std::vector<std::pair<std::string, std::string>>& credentials) {
  if (kind != MasterKind::kEmulator) throw std::logic_error("this binary tests mesos-sim");
  return start_emulators_electing(count, credentials);
}

std::unique_ptr<ElectingMasters> start_leaderless_master(MasterKind kind) {
  if (kind != MasterKind::kEmulator) throw std::logic_error("this binary tests mesos-sim");
  return start_leaderless_emulator();
}

}  // namespace mesos_sim::test
