#include "db/error.h"

#include <gtest/gtest.h>

#include <string>

namespace scale::db {
namespace {

TEST(FencedOut, CarriesBothEpochsAndIsAnError) {
  try {
    throw FencedOut(5, 7);
  } catch (const Error& e) {
    const auto* fenced = dynamic_cast<const FencedOut*>(&e);
    ASSERT_NE(fenced, nullptr);
    EXPECT_EQ(fenced->term_epoch(), 5);
    EXPECT_EQ(fenced->stored_epoch(), 7);
    EXPECT_NE(std::string(e.what()).find("epoch is 5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("epoch 7"), std::string::npos) << e.what();
    EXPECT_EQ(e.sqlstate(), "");
  }
}

TEST(Error, KeepsSqlState) {
  Error e("db: duplicate key", "23505");
  EXPECT_EQ(e.sqlstate(), "23505");
  EXPECT_STREQ(e.what(), "db: duplicate key");
}

}  // namespace
}  // namespace scale::db
