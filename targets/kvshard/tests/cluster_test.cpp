#include <atomic>
#include <thread>
#include <vector>

#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::keyInShard;
using testing::valueFor;

TEST_F(ClusterTest, StartsRegistersAndPlacesEveryShard) {
  startCluster(3);
  StatsMap cs = cluster_->coordinatorStats();
  EXPECT_EQ(cs["nodes"], 3u);
  EXPECT_EQ(cs["live_nodes"], 3u);
  EXPECT_EQ(cs["placement_assigned"], 1u);
  PlacementMap map = cluster_->placement();
  ASSERT_EQ(map.routes.size(), 16u);
  uint64_t owned = 0;
  for (int i = 0; i < 3; ++i) {
    owned += nodeStat(i, "owned_shards");
    EXPECT_GE(nodeStat(i, "owned_shards"), 5u);
    EXPECT_EQ(nodeStat(i, "lease_held"), 1u);
  }
  EXPECT_EQ(owned, 16u);
}

TEST_F(ClusterTest, PutGetDelete) {
  startCluster(3);
  ASSERT_TRUE(client_->put("alpha", "1").ok());
  std::string v;
  ASSERT_TRUE(client_->get("alpha", &v).ok());
  EXPECT_EQ(v, "1");
  ASSERT_TRUE(client_->put("alpha", "2").ok());
  ASSERT_TRUE(client_->get("alpha", &v).ok());
  EXPECT_EQ(v, "2");
  ASSERT_TRUE(client_->del("alpha").ok());
  EXPECT_EQ(client_->get("alpha", &v).code(), Code::kNotFound);
  EXPECT_TRUE(client_->del("alpha").ok());  // deletes are idempotent
}

TEST_F(ClusterTest, MissingKeyIsNotFoundWithoutRetries) {
  startCluster(2);
  std::string v;
  EXPECT_EQ(client_->get("never-written", &v).code(), Code::kNotFound);
  ClientMetrics m = client_->metrics();
  EXPECT_EQ(m.attempts, 1u);
  EXPECT_EQ(m.failures, 0u);
}

TEST_F(ClusterTest, KeysOfEveryShardLandOnTheirOwner) {
  startCluster(3);
  std::vector<uint32_t> all;
  for (uint32_t s = 0; s < 16; ++s) all.push_back(s);
  std::vector<std::string> keys = fillShards(all, 3);
  expectAllReadable(keys);
  for (uint32_t s = 0; s < 16; ++s) {
    int owner = cluster_->ownerOf(s);
    ASSERT_GE(owner, 0);
    EXPECT_EQ(cluster_->node(owner).store().keyCount(s), 3u) << "shard " << s;
  }
}

TEST_F(ClusterTest, ManyKeys) {
  startCluster(3);
  for (int i = 0; i < 1500; ++i) {
    std::string k = "many-" + std::to_string(i);
    ASSERT_TRUE(client_->put(k, valueFor(k)).ok()) << k;
  }
  uint64_t keys = 0;
  for (int i = 0; i < 3; ++i) keys += nodeStat(i, "keys");
  EXPECT_EQ(keys, 1500u);
  for (int i = 0; i < 1500; i += 7) {
    std::string k = "many-" + std::to_string(i), v;
    ASSERT_TRUE(client_->get(k, &v).ok()) << k;
    EXPECT_EQ(v, valueFor(k));
  }
}

TEST_F(ClusterTest, ConcurrentClients) {
  startCluster(3);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<KvClient> c = cluster_->newClient();
      for (int i = 0; i < 150; ++i) {
        std::string k = "c" + std::to_string(t) + "-" + std::to_string(i), v;
        if (!c->put(k, valueFor(k)).ok()) ++failures;
        if (!c->get(k, &v).ok() || v != valueFor(k)) ++failures;
      }
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  uint64_t puts = 0;
  for (int i = 0; i < 3; ++i) puts += nodeStat(i, "puts");
  EXPECT_EQ(puts, 600u);
}

TEST_F(ClusterTest, MetricsCountRequestsAndAttempts) {
  startCluster(3);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(client_->put("m" + std::to_string(i), "v").ok());
  ClientMetrics m = client_->metrics();
  EXPECT_EQ(m.operations, 30u);
  EXPECT_GE(m.attempts, 30u);
  EXPECT_GE(m.refreshes, 1u);  // the first map
  // Renewals run on their own clock: on a loaded machine the puts may be done first.
  EXPECT_TRUE(KvCluster::waitFor(
      [&] {
        return coordStat("renewals") >= 3u && nodeStat(0, "renewals") > 0 && nodeStat(1, "renewals") > 0 &&
               nodeStat(2, "renewals") > 0;
      },
      Millis(3000)));
  uint64_t requests = 0, appends = 0;
  for (int i = 0; i < 3; ++i) {
    requests += nodeStat(i, "requests");
    appends += nodeStat(i, "wal_appends");
  }
  EXPECT_EQ(requests, m.attempts);
  // A put whose answer timed out is applied and then sent again: one append per attempt
  // at most, one per operation at least.
  EXPECT_GE(appends, 30u);
  EXPECT_LE(appends, m.attempts);
  EXPECT_GE(coordStat("get_map_calls"), 1u);
}

TEST_F(ClusterTest, LeasesAreRenewedContinuously) {
  startCluster(3);
  std::vector<uint64_t> before;
  for (int i = 0; i < 3; ++i) before.push_back(nodeStat(i, "renewals"));
  std::this_thread::sleep_for(Millis(200));
  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(nodeStat(i, "renewals"), before[static_cast<size_t>(i)] + 2);
    EXPECT_EQ(nodeStat(i, "lease_held"), 1u);
  }
  EXPECT_EQ(coordStat("live_nodes"), 3u);
}

TEST_F(ClusterTest, RestartedNodeRecoversItsDataFromTheWal) {
  startCluster(3);
  std::vector<uint32_t> shards = shardsPlacedOn(1);
  std::vector<std::string> keys = fillShards(shards, 4);
  uint64_t expirationsBefore = coordStat("expirations");
  ASSERT_TRUE(cluster_->restartNode(1).ok());
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  if (coordStat("expirations") == expirationsBefore) {
    // Back within its lease: it still owns its shards and replayed them from the WAL.
    EXPECT_EQ(shardsPlacedOn(1), shards);
    EXPECT_EQ(nodeStat(1, "keys"), keys.size());
  }
  expectAllReadable(keys);
}

TEST_F(ClusterTest, SingleNodeClusterServesEverything) {
  startCluster(1);
  EXPECT_EQ(nodeStat(0, "owned_shards"), 16u);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client_->put("s" + std::to_string(i), "v").ok());
  EXPECT_EQ(nodeStat(0, "keys"), 50u);
}

}  // namespace
}  // namespace kvshard
