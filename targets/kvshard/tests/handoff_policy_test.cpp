// The handoff failure policy (Config::handoff_strict): strict handoffs fail as a whole on
// any failed batch and the receiver refuses a batch it cannot log; best-effort handoffs
// resend a failed batch and the receiver keeps a batch it cannot log in memory.
#include <gtest/gtest.h>

#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::valueFor;

constexpr uint32_t kShard = 5;

// One test body under both policies: a shard of 8 keys, streamed one key per batch,
// travels over three nodes (3 handoffs of 8 batches each).
class HandoffPolicyTest : public ClusterTest, public ::testing::WithParamInterface<bool> {
 protected:
  Config policyConfig() const {
    Config cfg = Config::forTests();
    cfg.handoff_strict = GetParam();
    cfg.handoff_batch_keys = 1;
    return cfg;
  }

  uint64_t sumOverNodes(const char *stat) {
    uint64_t n = 0;
    for (int i = 0; i < cluster_->numNodes(); ++i) n += nodeStat(i, stat);
    return n;
  }
};

TEST_P(HandoffPolicyTest, ShardTravelsAroundTheCluster) {
  startCluster(3, policyConfig());
  std::vector<std::string> keys = fillShards({kShard}, 8);
  for (int move = 0; move < 3; ++move) {
    int from = cluster_->ownerOf(kShard);
    int to = (from + 1) % 3;
    ASSERT_TRUE(cluster_->coordinator().requestMove(kShard, cluster_->nodeId(to))) << "move " << move;
    ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(kShard) == to; }, Millis(3000))) << "move " << move;
    ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
    EXPECT_EQ(cluster_->node(to).store().keyCount(kShard), keys.size());
  }
  EXPECT_EQ(sumOverNodes("batches_installed"), 3 * keys.size());
  EXPECT_EQ(sumOverNodes("batch_failures"), 0u);
  EXPECT_EQ(sumOverNodes("stale_entries"), 0u);
  expectAllReadable(keys);
}

INSTANTIATE_TEST_SUITE_P(Policies, HandoffPolicyTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return std::string(info.param ? "Strict" : "BestEffort");
                         });

// Moves kShard (holding `keys`) from its owner to the next node; returns {from, to}.
std::pair<int, int> moveShard(KvCluster &cluster) {
  int from = cluster.ownerOf(kShard);
  int to = (from + 1) % cluster.numNodes();
  EXPECT_TRUE(cluster.coordinator().requestMove(kShard, cluster.nodeId(to)));
  return {from, to};
}

TEST_F(ClusterTest, StrictHandoffFailsWhenTheReceiverCannotLogABatch) {
  Config cfg = Config::forTests();
  cfg.handoff_strict = true;
  startCluster(2, cfg);
  std::vector<std::string> keys = fillShards({kShard}, 40);  // 3 batches of 16
  int from = cluster_->ownerOf(kShard), to = 1 - from;
  cluster_->node(to).store().failNextLogWrites(1);
  moveShard(*cluster_);
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(from, "handoff_failures") == 1; }, Millis(3000)));
  EXPECT_EQ(nodeStat(to, "io_errors"), 1u);
  EXPECT_EQ(nodeStat(to, "unlogged_entries"), 0u);
  EXPECT_EQ(nodeStat(from, "batch_failures"), 1u);
  EXPECT_EQ(nodeStat(from, "batches_sent"), 0u);
  // The shard stays with its owner, which serves it again after its next renewal.
  EXPECT_EQ(cluster_->ownerOf(kShard), from);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(ClusterTest, BestEffortReceiverKeepsABatchItCannotLogAndTheHandoffCompletes) {
  Config cfg = Config::forTests();
  cfg.handoff_strict = false;
  startCluster(2, cfg);
  std::vector<std::string> keys = fillShards({kShard}, 40);
  int from = cluster_->ownerOf(kShard), to = 1 - from;
  cluster_->node(to).store().failNextLogWrites(1);
  moveShard(*cluster_);
  ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(kShard) == to; }, Millis(3000)));
  EXPECT_EQ(nodeStat(to, "io_errors"), 1u);
  EXPECT_EQ(nodeStat(to, "unlogged_entries"), 1u);
  EXPECT_EQ(nodeStat(from, "batch_failures"), 0u);
  EXPECT_EQ(nodeStat(from, "handoff_failures"), 0u);
  EXPECT_EQ(cluster_->node(to).store().keyCount(kShard), 40u);
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  expectAllReadable(keys);
}

TEST_F(ClusterTest, BestEffortSenderResendsAFailedBatchAndTheHandoffCompletes) {
  Config cfg = Config::forTests();
  cfg.handoff_strict = false;
  startCluster(2, cfg);
  std::vector<std::string> keys = fillShards({kShard}, 10);
  int from = cluster_->ownerOf(kShard), to = 1 - from;
  int limit = cluster_->config().max_batch_retransmits;
  // Corrupt beyond the retransmit limit: the batch fails once, and is resent.
  cluster_->node(from).mover().corruptNextBatches(limit + 1);
  moveShard(*cluster_);
  ASSERT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(kShard) == to; }, Millis(3000)));
  EXPECT_EQ(nodeStat(from, "batch_failures"), 1u);
  EXPECT_EQ(nodeStat(from, "handoff_failures"), 0u);
  EXPECT_EQ(nodeStat(to, "corrupt_batches"), static_cast<uint64_t>(limit + 1));
  ASSERT_TRUE(cluster_->waitUntilServing(Millis(3000)));
  EXPECT_EQ(cluster_->node(to).store().keyCount(kShard), 10u);
  expectAllReadable(keys);
}

}  // namespace
}  // namespace kvshard
