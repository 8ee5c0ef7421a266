// The same scenarios under configuration variants.
#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

struct Variant {
  const char *name;
  bool fast_failover;
  int replication;
  int packet_size;
  int handler_threads;
};

// Keeps --gtest_list_tests output stable (the default printer dumps raw bytes).
void PrintTo(const Variant &v, std::ostream *os) { *os << v.name; }

class ConfigVariantTest : public testing::ClusterTest, public ::testing::WithParamInterface<Variant> {
 protected:
  Config configFor(const Variant &v) {
    Config cfg = Config::forTests();
    cfg.fast_failover = v.fast_failover;
    cfg.default_replication = v.replication;
    cfg.packet_size = v.packet_size;
    cfg.handler_threads = v.handler_threads;
    return cfg;
  }
};

TEST_P(ConfigVariantTest, WriteReadAndReplicate) {
  const Variant &v = GetParam();
  startCluster(3, configFor(v));
  std::string data = makeData(static_cast<size_t>(cluster_->config().block_size) * 2 + 99, 400);
  ASSERT_TRUE(client_->writeFile("/variant", data).ok());
  std::string back;
  ASSERT_TRUE(client_->readFile("/variant", &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_TRUE(cluster_->waitForReplication("/variant", static_cast<size_t>(v.replication), Millis(2000)));
}

INSTANTIATE_TEST_SUITE_P(Variants, ConfigVariantTest,
                         ::testing::Values(Variant{"FastFailoverRep2", true, 2, 16 << 10, 3},
                                           Variant{"BestEffortRep2", false, 2, 16 << 10, 3},
                                           Variant{"FastFailoverRep3SmallPackets", true, 3, 4 << 10, 1},
                                           Variant{"BestEffortRep3SmallPackets", false, 3, 4 << 10, 1},
                                           Variant{"SingleReplica", true, 1, 64 << 10, 2}),
                         [](const ::testing::TestParamInfo<Variant> &info) { return std::string(info.param.name); });

// Pipeline failure handling under both failure policies: the middle node of the
// pipeline is dead when the write starts.
class PipelineFailoverTest : public testing::ClusterTest, public ::testing::WithParamInterface<bool> {};

TEST_P(PipelineFailoverTest, WriteSurvivesDeadMirror) {
  Config cfg = Config::forTests();
  cfg.fast_failover = GetParam();
  cfg.pending_replication_timeout = Millis(300);
  startCluster(4, cfg);
  cluster_->killDataNode(1);  // dn2: second in line for an empty cluster
  std::string data = makeData(30000, 500);
  ASSERT_TRUE(client_->writeFile("/mirror", data, 3).ok());
  std::string back;
  ASSERT_TRUE(client_->readFile("/mirror", &back).ok());
  EXPECT_EQ(back, data);
  if (GetParam()) {
    // The pipeline was replaced before any data moved.
    EXPECT_GE(client_->stats().pipeline_recoveries, 1u);
    EXPECT_GE(cluster_->dataNode(0).metrics().xceiver.mirror_failures, 1u);
  } else {
    // dn1 wrote on alone; re-replication restores the missing copies.
    EXPECT_EQ(client_->stats().pipeline_recoveries, 0u);
  }
  EXPECT_TRUE(cluster_->waitForReplication("/mirror", 3, Millis(4000)));
}

TEST_P(PipelineFailoverTest, RewriteOfExistingFileUnderPolicy) {
  Config cfg = Config::forTests();
  cfg.fast_failover = GetParam();
  startCluster(3, cfg);
  std::string data = makeData(static_cast<size_t>(cfg.block_size) + 123, 510);
  ASSERT_TRUE(client_->writeFile("/retx", data).ok());
  // Replace the file with the same contents: new blocks, same pipeline nodes.
  std::unique_ptr<DFSOutputStream> out;
  ASSERT_TRUE(client_->create("/retx", 0, true, &out).ok());
  ASSERT_TRUE(out->write(data).ok());
  ASSERT_TRUE(out->close().ok());
  out.reset();
  std::string back;
  ASSERT_TRUE(client_->readFile("/retx", &back).ok());
  EXPECT_EQ(back, data);
}

INSTANTIATE_TEST_SUITE_P(Policies, PipelineFailoverTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return std::string(info.param ? "FastFailover" : "BestEffort");
                         });

// Dead-node detection follows the configured expiry.
class HeartbeatExpiryTest : public testing::ClusterTest, public ::testing::WithParamInterface<int> {};

TEST_P(HeartbeatExpiryTest, DeadNodeDetectedWithinExpiry) {
  Config cfg = Config::forTests();
  cfg.heartbeat_expiry = Millis(GetParam());
  startCluster(2, cfg);
  Clock::time_point stopped = Clock::now();
  cluster_->stopDataNode(0);
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(1, Millis(GetParam() * 4 + 1000)));
  EXPECT_GE(elapsedSince(stopped), Millis(GetParam()) - cfg.heartbeat_interval);
}

INSTANTIATE_TEST_SUITE_P(Expiry, HeartbeatExpiryTest, ::testing::Values(150, 400));

}  // namespace
}  // namespace minidfs
