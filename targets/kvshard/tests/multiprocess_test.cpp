// The same cluster with the coordinator and every storage node in its own process.
#include <signal.h>

#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::keyInShard;
using testing::valueFor;

class MultiProcessTest : public ClusterTest {
 protected:
  void startProcesses(int nodes, Config cfg = Config::forTests()) { startCluster(nodes, cfg, ClusterMode::kMultiProcess); }
};

TEST_F(MultiProcessTest, PutGetAcrossProcesses) {
  startProcesses(3);
  EXPECT_EQ(coordStat("live_nodes"), 3u);
  for (int i = 0; i < 200; ++i) {
    std::string k = "mp-" + std::to_string(i);
    ASSERT_TRUE(client_->put(k, valueFor(k)).ok()) << k;
  }
  std::vector<std::string> keys;
  for (int i = 0; i < 200; i += 3) keys.push_back("mp-" + std::to_string(i));
  expectAllReadable(keys);
  uint64_t total = 0;
  for (int i = 0; i < 3; ++i) total += nodeStat(i, "keys");
  EXPECT_EQ(total, 200u);
}

TEST_F(MultiProcessTest, ConfigReachesTheChildProcesses) {
  Config cfg = Config::forTests();
  cfg.num_shards = 8;
  startProcesses(2, cfg);
  EXPECT_EQ(cluster_->placement().routes.size(), 8u);
  EXPECT_EQ(nodeStat(0, "owned_shards") + nodeStat(1, "owned_shards"), 8u);
  ASSERT_TRUE(client_->put("k", "v").ok());
}

TEST_F(MultiProcessTest, KilledNodeProcessLosesItsShardsToTheSurvivors) {
  startProcesses(3);
  std::vector<uint32_t> shards = shardsPlacedOn(1);
  std::vector<std::string> keys = fillShards(shards, 3);
  cluster_->killNode(1);
  ASSERT_TRUE(KvCluster::waitFor([&] { return shardsPlacedOn(1).empty(); }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_GE(coordStat("expirations"), 1u);
  EXPECT_EQ(coordStat("live_nodes"), 2u);
  for (uint32_t s : shards) {
    std::string k = keyInShard(s, 100);
    ASSERT_TRUE(client_->put(k, "after").ok()) << k;
  }
  // The killed process comes back with its WAL and streams the old data over.
  ASSERT_TRUE(cluster_->restartNode(1).ok());
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(1, "handoffs_completed") >= shards.size(); }, Millis(4000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(MultiProcessTest, NodeProcessesReportMetrics) {
  startProcesses(2);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(client_->put("m" + std::to_string(i), "v").ok());
  // Renewals run every 20 ms, but a slow machine (or an instrumented build) may not have
  // renewed twice yet when the puts are done: wait for them rather than assume.
  EXPECT_TRUE(KvCluster::waitFor([&] { return coordStat("renewals") >= 2u; }, Millis(3000)));
  StatsMap a = cluster_->nodeStats(0), b = cluster_->nodeStats(1);
  EXPECT_EQ(a["puts"] + b["puts"], 10u);
  EXPECT_GT(a["renewals"], 0u);
  EXPECT_EQ(a["lease_held"], 1u);
}

}  // namespace
}  // namespace kvshard
