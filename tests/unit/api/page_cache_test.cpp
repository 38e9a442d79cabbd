#include "api/page_cache.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(SnapshotPageCache, ServesAPageOnlyForTheSnapshotItWasReadIn) {
  SnapshotPageCache pages(4);
  EXPECT_FALSE(pages.holds("&page=1"));
  pages.store("&page=1", "10:12:10,11", "body-a");
  EXPECT_TRUE(pages.holds("&page=1"));
  EXPECT_EQ(pages.find("&page=1", "10:12:10,11"), "body-a");
  EXPECT_EQ(pages.find("&page=1", "10:13:10"), std::nullopt) << "a transaction completed since";
  EXPECT_EQ(pages.find("&page=2", "10:12:10,11"), std::nullopt);
  EXPECT_EQ(pages.hits(), 1u);
  EXPECT_EQ(pages.misses(), 2u);
}

TEST(SnapshotPageCache, AStoredPageReplacesTheOneOfItsKey) {
  SnapshotPageCache pages(4);
  pages.store("k", "1:1:", "old");
  pages.store("k", "2:2:", "new");
  EXPECT_EQ(pages.find("k", "1:1:"), std::nullopt);
  EXPECT_EQ(pages.find("k", "2:2:"), "new");
}

TEST(SnapshotPageCache, KeepsAtMostItsCapacityDroppingTheOldestStored) {
  SnapshotPageCache pages(2);
  pages.store("a", "s", "A");
  pages.store("b", "s", "B");
  pages.store("a", "t", "A2");  // a new page for a kept key does not count as another key
  pages.store("c", "s", "C");
  EXPECT_FALSE(pages.holds("a"));
  EXPECT_EQ(pages.find("b", "s"), "B");
  EXPECT_EQ(pages.find("c", "s"), "C");
}

TEST(SnapshotPageCache, ACapacityOfZeroKeepsNothing) {
  SnapshotPageCache pages(0);
  pages.store("a", "s", "A");
  EXPECT_FALSE(pages.holds("a"));
  EXPECT_EQ(pages.find("a", "s"), std::nullopt);
}

}  // namespace
}  // namespace scale::api
