// Shard handoffs: operator moves, rebalancing, lease expiry with streaming on return,
// corrupt batches, and crashed nodes.
#include <atomic>
#include <thread>

#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::keyInShard;
using testing::valueFor;

TEST_F(ClusterTest, MovedShardKeepsItsDataAndLeavesTheOldOwner) {
  startCluster(3);
  std::vector<std::string> keys = fillShards({4}, 40);  // 3 batches of 16
  int from = cluster_->ownerOf(4);
  int to = (from + 1) % 3;
  uint64_t epoch = cluster_->placement().routes[4].epoch;
  ASSERT_TRUE(cluster_->coordinator().requestMove(4, cluster_->nodeId(to)));
  ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(4) == to; }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_EQ(cluster_->placement().routes[4].epoch, epoch + 1);
  EXPECT_EQ(cluster_->node(to).store().keyCount(4), 40u);
  EXPECT_TRUE(KvCluster::waitFor([&] { return cluster_->node(from).store().keyCount(4) == 0; }, Millis(1000)));
  EXPECT_EQ(nodeStat(from, "handoffs_completed"), 1u);
  EXPECT_EQ(nodeStat(from, "batches_sent"), 3u);
  EXPECT_EQ(nodeStat(to, "batches_installed"), 3u);
  EXPECT_EQ(coordStat("handoffs_done"), 1u);
  expectAllReadable(keys, client_.get());
}

TEST_F(ClusterTest, EmptyShardMovesToo) {
  startCluster(2);
  int from = cluster_->ownerOf(7);
  ASSERT_TRUE(cluster_->coordinator().requestMove(7, cluster_->nodeId(1 - from)));
  ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(7) == 1 - from; }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_EQ(nodeStat(from, "batches_sent"), 0u);
  std::string k = keyInShard(7, 0);
  ASSERT_TRUE(client_->put(k, "v").ok());
  EXPECT_EQ(cluster_->node(1 - from).store().keyCount(7), 1u);
}

TEST_F(ClusterTest, MoveRequestsAreValidated) {
  startCluster(2);
  int owner = cluster_->ownerOf(1);
  EXPECT_FALSE(cluster_->coordinator().requestMove(1, cluster_->nodeId(owner)));
  EXPECT_FALSE(cluster_->coordinator().requestMove(1, "nobody"));
  EXPECT_TRUE(cluster_->coordinator().requestMove(1, cluster_->nodeId(1 - owner)));
}

TEST_F(ClusterTest, RebalancerMovesAHotShardAndItsDataSurvives) {
  Config cfg = Config::forTests();
  cfg.rebalance_enabled = true;
  cfg.rebalance_min_load = 50;
  cfg.imbalance_threshold = 0.5;
  startCluster(3, cfg);
  // Every key of the hot shard lives on one node; hammer them.
  uint32_t hot = 2;
  int from = cluster_->ownerOf(hot);
  std::vector<std::string> keys = fillShards({hot}, 20);
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::thread load([&] {
    std::unique_ptr<KvClient> c = cluster_->newClient();
    size_t i = 0;
    while (!stop) {
      std::string v;
      const std::string &k = keys[i++ % keys.size()];
      if (!c->get(k, &v).ok() || v != valueFor(k)) ++errors;
    }
  });
  bool moved = KvCluster::waitFor([&] { return cluster_->ownerOf(hot) != from; }, Millis(4000));
  stop = true;
  load.join();
  ASSERT_TRUE(moved);
  EXPECT_GE(coordStat("rebalance_moves"), 1u);
  EXPECT_EQ(errors.load(), 0);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(ClusterTest, RebalancerLeavesABalancedClusterAlone) {
  Config cfg = Config::forTests();
  cfg.rebalance_enabled = true;
  startCluster(3, cfg);
  std::this_thread::sleep_for(Millis(300));  // idle: loads below rebalance_min_load
  EXPECT_EQ(coordStat("rebalance_moves"), 0u);
}

TEST_F(ClusterTest, PausedNodeIsExpiredAndStreamsItsShardsWhenItResumes) {
  startCluster(3);
  int slow = 1;
  std::vector<uint32_t> shards = shardsPlacedOn(slow);
  ASSERT_FALSE(shards.empty());
  std::vector<std::string> keys = fillShards(shards, 20);
  cluster_->pauseNode(slow);
  // Lease runs out: the coordinator reassigns its shards (epochs bumped).
  ASSERT_TRUE(KvCluster::waitFor([&] { return shardsPlacedOn(slow).empty(); }, Millis(3000)));
  EXPECT_GE(coordStat("expirations"), 1u);
  EXPECT_FALSE(cluster_->coordinator().nodeAlive(cluster_->nodeId(slow)));
  // The paused node fences itself: its lease lapsed.
  EXPECT_FALSE(cluster_->node(slow).leaseHeld());
  cluster_->resumeNode(slow);
  // Re-admitted, it streams every lost shard to its new owner.
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(slow, "handoffs_completed") >= shards.size(); },
                                 Millis(4000)));
  EXPECT_GE(coordStat("readmissions"), 1u);
  EXPECT_TRUE(cluster_->coordinator().nodeAlive(cluster_->nodeId(slow)));
  EXPECT_EQ(nodeStat(slow, "owned_shards"), 0u);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys, client_.get());
}

TEST_F(ClusterTest, CorruptBatchIsRetransmittedAndTheHandoffSucceeds) {
  startCluster(2);
  std::vector<std::string> keys = fillShards({3}, 20);
  int from = cluster_->ownerOf(3);
  cluster_->node(from).mover().corruptNextBatches(2);
  ASSERT_TRUE(cluster_->coordinator().requestMove(3, cluster_->nodeId(1 - from)));
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(from, "handoffs_completed") == 1; }, Millis(3000)));
  EXPECT_EQ(nodeStat(from, "batch_retransmits"), 2u);
  EXPECT_EQ(nodeStat(1 - from, "corrupt_batches"), 2u);
  EXPECT_EQ(nodeStat(from, "handoff_failures"), 0u);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_EQ(cluster_->ownerOf(3), 1 - from);
  expectAllReadable(keys);
}

TEST_F(ClusterTest, BatchCorruptBeyondTheRetransmitLimitFailsTheHandoffButKeepsTheData) {
  startCluster(2);
  std::vector<std::string> keys = fillShards({5}, 10);
  int from = cluster_->ownerOf(5);
  int limit = cluster_->config().max_batch_retransmits;
  cluster_->node(from).mover().corruptNextBatches(limit + 1);
  ASSERT_TRUE(cluster_->coordinator().requestMove(5, cluster_->nodeId(1 - from)));
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(from, "handoff_failures") == 1; }, Millis(3000)));
  EXPECT_EQ(nodeStat(from, "batch_retransmits"), static_cast<uint64_t>(limit));
  EXPECT_EQ(nodeStat(1 - from, "corrupt_batches"), static_cast<uint64_t>(limit + 1));
  // The placement never changed; the next renewal gives the shard back to its owner.
  EXPECT_EQ(cluster_->ownerOf(5), from);
  EXPECT_EQ(coordStat("pending_moves"), 0u);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(ClusterTest, KilledNodesShardsAreReassignedAndItsDataReturnsWithIt) {
  startCluster(3);
  int victim = 2;
  std::vector<uint32_t> shards = shardsPlacedOn(victim);
  std::vector<std::string> keys = fillShards(shards, 5);
  cluster_->killNode(victim);
  ASSERT_TRUE(KvCluster::waitFor([&] { return shardsPlacedOn(victim).empty(); }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_EQ(coordStat("live_nodes"), 2u);
  // Semantics: the data of a dead node is unavailable (the new owners start empty) ...
  std::string v;
  EXPECT_EQ(client_->get(keys.front(), &v).code(), Code::kNotFound);
  // ... new writes go to the new owners ...
  ASSERT_TRUE(client_->put("after-crash", "x").ok());
  // ... and when the node comes back, its WAL is streamed to the new owners.
  ASSERT_TRUE(cluster_->restartNode(victim).ok());
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(victim, "handoffs_completed") >= shards.size(); },
                                 Millis(4000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(ClusterTest, NewerWritesWinOverStreamedOldData) {
  startCluster(3);
  int slow = 0;
  std::vector<uint32_t> shards = shardsPlacedOn(slow);
  std::string key = keyInShard(shards.front(), 0);
  ASSERT_TRUE(client_->put(key, "old").ok());
  cluster_->pauseNode(slow);
  ASSERT_TRUE(KvCluster::waitFor([&] { return shardsPlacedOn(slow).empty(); }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  ASSERT_TRUE(client_->put(key, "new").ok());  // at the new owner, newer epoch
  cluster_->resumeNode(slow);
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(slow, "handoffs_completed") >= shards.size(); },
                                 Millis(4000)));
  std::string v;
  ASSERT_TRUE(client_->get(key, &v).ok());
  EXPECT_EQ(v, "new");
}

}  // namespace
}  // namespace kvshard

namespace kvshard {
namespace {

using testing::ClusterTest;

// C1 end to end: the returning node's handoffs (inline on its control thread) outlast its
// lease, so it is expired a second time while streaming; the data still arrives.
TEST_F(ClusterTest, LongHandoffOnReturnDelaysRenewalUntilTheNodeExpiresAgain) {
  startCluster(3);
  int slow = 1;
  std::vector<uint32_t> shards = shardsPlacedOn(slow);
  std::vector<std::string> keys = fillShards(shards, 20);  // 2 batches per shard
  cluster_->pauseNode(slow);
  ASSERT_TRUE(KvCluster::waitFor([&] { return shardsPlacedOn(slow).empty(); }, Millis(3000)));
  uint64_t expirations = coordStat("expirations");
  cluster_->node(slow).mover().setBatchDelay(Millis(60));  // >= 5 shards x 2 x 60 ms > lease
  cluster_->resumeNode(slow);
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(slow, "handoffs_completed") >= shards.size(); },
                                 Millis(4000)));
  EXPECT_GT(coordStat("expirations"), expirations);  // expired again while streaming
  EXPECT_GE(coordStat("readmissions"), 1u);
  ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->coordinator().nodeAlive(cluster_->nodeId(slow)); },
                                 Millis(2000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

// C2's coupling: GetMap and RenewLease share the coordinator's handler pool, so a burst
// of slow map fetches delays lease renewals until leases expire.
TEST_F(ClusterTest, GetMapBurstDelaysRenewalsUntilLeasesExpire) {
  startCluster(3);
  cluster_->coordinator().setGetMapDelay(Millis(150));
  Config cc = cluster_->config();
  cc.rpc_timeout = Millis(5000);
  std::atomic<bool> stop{false};
  std::vector<std::thread> refreshers;
  for (int i = 0; i < 8; ++i) {
    refreshers.emplace_back([&] {
      std::unique_ptr<KvClient> c = cluster_->newClient(cc);
      while (!stop) c->refreshRoutes();
    });
  }
  bool expired = KvCluster::waitFor([&] { return coordStat("expirations") >= 1; }, Millis(4000));
  cluster_->coordinator().setGetMapDelay(Millis(0));
  stop = true;
  for (std::thread &t : refreshers) t.join();
  EXPECT_TRUE(expired);
  // Once the burst is over every node renews again and the shards are served.
  ASSERT_TRUE(KvCluster::waitFor([&] { return coordStat("live_nodes") == 3; }, Millis(3000)));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  ASSERT_TRUE(client_->put("after-burst", "v").ok());
}

}  // namespace
}  // namespace kvshard
