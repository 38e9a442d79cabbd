#include "scheduler/queue/resources.h"

#include <gtest/gtest.h>

namespace scale::queue {
namespace {

TEST(Resources, FitsOnlyWhenAllFourResourcesFit) {
  Resources agent{4, 8192, 10000, 1};
  EXPECT_TRUE((Resources{4, 8192, 10000, 1}.fits_in(agent)));
  EXPECT_FALSE((Resources{4.5, 1, 1, 0}.fits_in(agent)));
  EXPECT_FALSE((Resources{1, 9000, 1, 0}.fits_in(agent)));
  EXPECT_FALSE((Resources{1, 1, 10001, 0}.fits_in(agent)));
  EXPECT_FALSE((Resources{1, 1, 1, 2}.fits_in(agent)));
}

TEST(Resources, RepeatedSubtractionLeavesNoRoundingResidue) {
  Resources agent{1, 100, 100, 0};
  Resources tenth{0.1, 10, 10, 0};
  for (int i = 0; i < 9; ++i) agent -= tenth;
  // Ten tenths of a cpu must fit in one cpu even though 0.1 is not exact in binary.
  EXPECT_TRUE(tenth.fits_in(agent));
  agent -= tenth;
  EXPECT_EQ(agent, Resources{});
  agent -= tenth;  // never negative
  EXPECT_EQ(agent, Resources{});
}

TEST(Resources, AddAndComponentMax) {
  EXPECT_EQ((Resources{1, 2, 3, 4} + Resources{1, 1, 1, 1}), (Resources{2, 3, 4, 5}));
  EXPECT_EQ(component_max({4, 1, 9, 0}, {2, 8, 3, 1}), (Resources{4, 8, 9, 1}));
}

}  // namespace
}  // namespace scale::queue
