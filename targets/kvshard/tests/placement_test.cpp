#include <set>

#include <gtest/gtest.h>

#include "client/routing_cache.h"
#include "common/clock.h"
#include "coordinator/placement_table.h"
#include "wire/hashing.h"

namespace kvshard {
namespace {

NodeAddress addr(const std::string &id, uint16_t port) { return NodeAddress{id, "127.0.0.1", port}; }

TEST(Hashing, ShardForIsDeterministicAndInRange) {
  for (int i = 0; i < 500; ++i) {
    std::string k = "k" + std::to_string(i);
    uint32_t s = shardFor(k, 16);
    EXPECT_LT(s, 16u);
    EXPECT_EQ(s, shardFor(k, 16));
  }
  EXPECT_EQ(shardFor("anything", 1), 0u);
  EXPECT_EQ(shardFor("anything", 0), 0u);
}

TEST(Hashing, KeysSpreadOverAllShards) {
  std::vector<int> counts(16, 0);
  for (int i = 0; i < 1600; ++i) ++counts[shardFor("user:" + std::to_string(i), 16)];
  for (int c : counts) {
    EXPECT_GT(c, 50);
    EXPECT_LT(c, 150);
  }
}

TEST(Hashing, Crc32MatchesReferenceValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_NE(crc32("abc"), crc32("abd"));
}

TEST(PlacementTable, InitialAssignmentIsRoundRobinAtEpochOne) {
  PlacementTable t(16);
  EXPECT_FALSE(t.assigned());
  t.assignInitial({addr("n1", 1), addr("n2", 2), addr("n3", 3)});
  EXPECT_TRUE(t.assigned());
  std::map<std::string, int> counts = t.shardCounts();
  EXPECT_EQ(counts["n1"], 6);
  EXPECT_EQ(counts["n2"], 5);
  EXPECT_EQ(counts["n3"], 5);
  PlacementMap m = t.snapshot();
  ASSERT_EQ(m.routes.size(), 16u);
  for (const ShardRoute &r : m.routes) EXPECT_EQ(r.epoch, 1u);
  EXPECT_EQ(m.routes[4].owner.id, "n2");
}

TEST(PlacementTable, ReassignBumpsEpochAndMovesOwnership) {
  PlacementTable t(4);
  t.assignInitial({addr("n1", 1), addr("n2", 2)});
  EXPECT_EQ(t.reassign(0, addr("n2", 2)), 2u);
  EXPECT_EQ(t.reassign(0, addr("n1", 1)), 3u);
  EXPECT_EQ(t.route(0).owner.id, "n1");
    EXPECT_EQ(t.reassign(2, addr("n2", 2)), 2u);
  EXPECT_EQ(t.assignmentsOf("n2").size(), 3u);
  EXPECT_EQ(t.assignmentsOf("n1").size(), 1u);
  EXPECT_EQ(t.epochBumps(), 3u);
}

TEST(PlacementTable, UpdateAddressFollowsRestartedNode) {
  PlacementTable t(4);
  t.assignInitial({addr("n1", 1), addr("n2", 2)});
  t.updateAddress(addr("n2", 99));
  EXPECT_EQ(t.route(1).owner.port, 99);
  EXPECT_EQ(t.route(0).owner.port, 1);
  EXPECT_EQ(t.route(1).epoch, 1u);
}

TEST(RoutingCache, LookupReplaceAndRedirect) {
  RoutingCache c;
  EXPECT_FALSE(c.loaded());
  EXPECT_TRUE(c.lookup(3).owner.empty());
  PlacementTable t(4);
  t.assignInitial({addr("n1", 1), addr("n2", 2)});
  c.replace(t.snapshot());
  EXPECT_TRUE(c.loaded());
  EXPECT_EQ(c.numShards(), 4u);
  EXPECT_EQ(c.lookup(1).owner.id, "n2");
  // Hint naming a new owner and epoch.
  EXPECT_TRUE(c.redirect(1, addr("n1", 1), 2));
  EXPECT_EQ(c.lookup(1).owner.id, "n1");
  EXPECT_EQ(c.lookup(1).epoch, 2u);
  // Hint with an epoch only: keep the owner.
  EXPECT_TRUE(c.redirect(1, NodeAddress{}, 5));
  EXPECT_EQ(c.lookup(1).owner.id, "n1");
  EXPECT_EQ(c.lookup(1).epoch, 5u);
  // Nothing new.
  EXPECT_FALSE(c.redirect(1, NodeAddress{}, 0));
  EXPECT_FALSE(c.redirect(9, addr("n1", 1), 9));
  EXPECT_EQ(c.replacements(), 1u);
}

TEST(Backoff, ExponentialIsCapped) {
  EXPECT_EQ(exponentialBackoff(0, Millis(10), Millis(80)), Millis(10));
  EXPECT_EQ(exponentialBackoff(1, Millis(10), Millis(80)), Millis(20));
  EXPECT_EQ(exponentialBackoff(3, Millis(10), Millis(80)), Millis(80));
  EXPECT_EQ(exponentialBackoff(30, Millis(10), Millis(80)), Millis(80));
}

}  // namespace
}  // namespace kvshard
