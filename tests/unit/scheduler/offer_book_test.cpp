#include "scheduler/offer_book.h"

#include <gtest/gtest.h>

namespace scale::scheduler {
namespace {

using namespace std::chrono_literals;

mesos::Resource scalar(const std::string& name, double value) {
  mesos::Resource r;
  r.name = name;
  r.type = "SCALAR";
  r.scalar = value;
  r.allocation_role = "*";
  return r;
}

mesos::Offer offer(const std::string& id, const std::string& agent, double cpus, double mem,
                   double gpus = 0) {
  mesos::Offer o;
  o.id = id;
  o.agent_id = agent;
  o.hostname = agent + ".example";
  o.allocation_role = "*";
  o.resources = {scalar("cpus", cpus), scalar("mem", mem), scalar("disk", 100),
                 scalar("gpus", gpus)};
  mesos::Resource ports;
  ports.name = "ports";
  ports.type = "RANGES";
  ports.ranges = {{31000, 32000}};
  o.resources.push_back(ports);
  return o;
}

const OfferBook::Clock::time_point kStart{};

TEST(OfferBook, SumsScalarResourcesPerAgentAndIgnoresOthers) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024, 1), offer("o2", "a1", 1, 512), offer("o3", "a2", 4, 4096)},
           kStart);
  EXPECT_EQ(book.offers(), 3u);
  EXPECT_EQ(book.agents(), 2u);
  auto agents = book.available();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].agent_id, "a1");
  EXPECT_EQ(agents[0].available, (queue::Resources{3, 1536, 200, 1}));
  EXPECT_EQ(agents[1].available, (queue::Resources{4, 4096, 100, 0}));
}

TEST(OfferBook, TakeHandsOverEveryOfferOfTheAgentOnce) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024), offer("o2", "a1", 1, 512)}, kStart);
  auto taken = book.take("a1");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->offer_ids, (std::vector<std::string>{"o1", "o2"}));
  EXPECT_EQ(taken->hostname, "a1.example");
  EXPECT_EQ(taken->allocation_role, "*");
  EXPECT_FALSE(book.take("a1"));
  EXPECT_EQ(book.offers(), 0u);
}

TEST(OfferBook, DuplicateDeliveryAddsNothing) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024)}, kStart);
  book.add({offer("o1", "a1", 2, 1024)}, kStart);
  EXPECT_EQ(book.available()[0].available.cpus, 2);
}

TEST(OfferBook, RescindDropsTheAgentsOffers) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024), offer("o2", "a2", 1, 512)}, kStart);
  EXPECT_TRUE(book.rescind("o1"));
  EXPECT_FALSE(book.rescind("o1"));
  EXPECT_FALSE(book.take("a1"));
  EXPECT_TRUE(book.take("a2"));
}

TEST(OfferBook, ClearForgetsEverything) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024)}, kStart);
  book.clear();
  EXPECT_EQ(book.offers(), 0u);
  EXPECT_TRUE(book.available().empty());
}

TEST(OfferBook, TakesOffersHeldTooLong) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024)}, kStart);
  book.add({offer("o2", "a2", 2, 1024)}, kStart + 5s);
  auto stale = book.take_older_than(kStart + 3s);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].agent_id, "a1");
  EXPECT_EQ(book.agents(), 1u);
}

TEST(OfferBook, TakeAllEmptiesTheBook) {
  OfferBook book;
  book.add({offer("o1", "a1", 2, 1024), offer("o2", "a2", 1, 512)}, kStart);
  EXPECT_EQ(book.take_all().size(), 2u);
  EXPECT_EQ(book.offers(), 0u);
}

}  // namespace
}  // namespace scale::scheduler
