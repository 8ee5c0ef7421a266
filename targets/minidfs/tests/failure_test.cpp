// DataNode failures, slow nodes, corruption and client/RPC retries.
#include <atomic>
#include <thread>

#include "datanode/data_transfer.h"
#include "rpc/rpc_client.h"
#include "rpc/rpc_server.h"
#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

class FailureTest : public testing::ClusterTest {};

TEST_F(FailureTest, DeadDatanodeDetected) {
  startCluster(3);
  cluster_->stopDataNode(1);
  EXPECT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  for (const DatanodeStatus &s : cluster_->datanodeReport()) EXPECT_EQ(s.alive, s.id != "dn2") << s.id;
}

TEST_F(FailureTest, ReReplicatesAfterDatanodeStops) {
  startCluster(4);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client_->writeFile("/rr" + std::to_string(i), makeData(20000, 50 + i)).ok());
  }
  std::vector<std::string> holders = replicaHolders("/rr0");
  ASSERT_EQ(holders.size(), 2u);
  cluster_->stopDataNode(indexOf(holders[0]));
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(3, Millis(3000)));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(cluster_->waitForReplication("/rr" + std::to_string(i), 2, Millis(3000))) << i;
  }
  EXPECT_GE(cluster_->nameNode().metrics().scheduled_transfers, 1u);
  std::string back;
  ASSERT_TRUE(client_->readFile("/rr0", &back).ok());
  EXPECT_EQ(back, makeData(20000, 50));
}

TEST_F(FailureTest, RestartedDatanodeRejoinsAndExcessIsRemoved) {
  startCluster(3);
  ASSERT_TRUE(client_->writeFile("/rejoin", makeData(9000, 60)).ok());
  std::vector<std::string> holders = replicaHolders("/rejoin");
  ASSERT_EQ(holders.size(), 2u);
  int victim = indexOf(holders[0]);
  cluster_->stopDataNode(victim);
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  ASSERT_TRUE(cluster_->waitForReplication("/rejoin", 2, Millis(3000)));
  ASSERT_TRUE(cluster_->restartDataNode(victim).ok());
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(3, Millis(3000)));
  // The returning node reports its old replica; the NameNode deletes the excess copy.
  EXPECT_TRUE(MiniCluster::waitFor(
      [&] {
        size_t total = 0;
        for (int i = 0; i < 3; ++i) total += cluster_->dataNode(i).store().size();
        return total == 2 && cluster_->nameNode().replicaCounts("/rejoin") == std::vector<size_t>{2};
      },
      Millis(3000)));
}

TEST_F(FailureTest, WriteSurvivesDeadDatanodeInPipeline) {
  startCluster(4);
  // dn1 is first in line for an empty cluster; kill it before the NameNode notices.
  cluster_->killDataNode(0);
  std::string data = makeData(30000, 70);
  ASSERT_TRUE(client_->writeFile("/survive", data, 3).ok());
  EXPECT_GE(client_->stats().pipeline_recoveries, 1u);
  std::string back;
  ASSERT_TRUE(client_->readFile("/survive", &back).ok());
  EXPECT_EQ(back, data);
}

TEST_F(FailureTest, ReadFailsOverToAnotherReplica) {
  startCluster(3);
  std::string data = makeData(12000, 80);
  ASSERT_TRUE(client_->writeFile("/failover", data).ok());
  std::vector<std::string> holders = replicaHolders("/failover");
  ASSERT_EQ(holders.size(), 2u);
  // Read before the NameNode notices, so its first location is the dead node.
  cluster_->stopDataNode(indexOf(holders[0]));
  std::string back;
  ASSERT_TRUE(client_->readFile("/failover", &back).ok());
  EXPECT_EQ(back, data);
}

TEST_F(FailureTest, CorruptReplicaDetectedAndReplaced) {
  startCluster(3);
  std::string data = makeData(10000, 90);
  ASSERT_TRUE(client_->writeFile("/corrupt", data).ok());
  ASSERT_TRUE(cluster_->waitForReplication("/corrupt", 2, Millis(2000)));
  FileLocations locs;
  ASSERT_TRUE(client_->getBlockLocations("/corrupt", &locs).ok());
  ASSERT_EQ(locs.blocks[0].locations.size(), 2u);
  std::string bad = locs.blocks[0].locations[0].id;
  ASSERT_TRUE(cluster_->corruptReplica(indexOf(bad), locs.blocks[0].block.id));
  std::string back;
  ASSERT_TRUE(client_->readFile("/corrupt", &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_GE(client_->stats().read_failovers, 1u);
  // The reader reported the bad copy: it is deleted and a good copy is made (possibly
  // on the same node once the bad one is gone), so every replica serves the right data.
  Block block = locs.blocks[0].block;
  EXPECT_TRUE(MiniCluster::waitFor(
      [&] {
        FileLocations now;
        if (!client_->getBlockLocations("/corrupt", &now).ok() || now.blocks.empty() ||
            now.blocks[0].locations.size() != 2) {
          return false;
        }
        for (const DatanodeInfo &dn : now.blocks[0].locations) {
          std::string copy;
          if (!readBlockFromDatanode(cluster_->config(), dn, block, &copy).ok() || copy != data) return false;
        }
        return true;
      },
      Millis(3000)));
}

TEST_F(FailureTest, SlowDatanodeBeyondTimeoutIsReplaced) {
  Config cfg = Config::forTests();
  cfg.socket_timeout = Millis(100);
  startCluster(4, cfg);
  // Well beyond the client's ack timeout for a two-node pipeline (3 x 100 ms).
  cluster_->setDataNodeSlow(0, Millis(700));
  std::string data = makeData(20000, 100);
  ASSERT_TRUE(client_->writeFile("/slow", data).ok());
  EXPECT_GE(client_->stats().pipeline_recoveries, 1u);
  cluster_->setDataNodeSlow(0, Millis(0));
  std::string back;
  ASSERT_TRUE(client_->readFile("/slow", &back).ok());
  EXPECT_EQ(back, data);
}

TEST_F(FailureTest, SlowDatanodeWithinTimeoutStillUsed) {
  startCluster(2);
  cluster_->setDataNodeSlow(0, Millis(5));
  std::string data = makeData(40000, 110);
  ASSERT_TRUE(client_->writeFile("/slowok", data).ok());
  EXPECT_EQ(client_->stats().pipeline_recoveries, 0u);
  EXPECT_TRUE(cluster_->waitForReplication("/slowok", 2, Millis(2000)));
}

TEST_F(FailureTest, DatanodesReregisterAfterNameNodeRestart) {
  startCluster(2);
  ASSERT_TRUE(cluster_->restartNameNode().ok());
  // The new NameNode knows nobody: heartbeats are answered with "re-register".
  EXPECT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  auto client = cluster_->newClient("after-restart");
  ASSERT_TRUE(client->writeFile("/after", "data").ok());
  std::string back;
  ASSERT_TRUE(client->readFile("/after", &back).ok());
  EXPECT_EQ(back, "data");
}

TEST_F(FailureTest, ReplicasOfDeadNodeReplacedWhenWritingContinues) {
  startCluster(3);
  cluster_->stopDataNode(2);
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  std::string data = makeData(static_cast<size_t>(cluster_->config().block_size) * 2, 120);
  ASSERT_TRUE(client_->writeFile("/twolive", data).ok());
  EXPECT_EQ(client_->stats().pipeline_recoveries, 0u);
  EXPECT_TRUE(cluster_->waitForReplication("/twolive", 2, Millis(2000)));
}

// --- RPC layer ------------------------------------------------------------------------

TEST(RpcTest, RetriesExhaustedAgainstDeadServer) {
  Config cfg = Config::forTests();
  ServerSocket probe;
  ASSERT_TRUE(probe.listen(0).ok());
  uint16_t port = probe.port();
  probe.close();  // nothing listens there now
  RpcClient client("127.0.0.1", port, cfg);
  Status st = client.callWithRetries(Method::kList, "", nullptr);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(client.attempts(), static_cast<uint64_t>(cfg.rpc_max_retries + 1));
}

TEST(RpcTest, OverloadedServerAnswersBusyAndClientsRecover) {
  Config cfg = Config::forTests();
  cfg.handler_threads = 1;
  cfg.call_queue_capacity = 1;
  cfg.rpc_max_retries = 20;
  RpcServer server("nn", cfg);
  server.registerHandler(static_cast<uint16_t>(Method::kList), [](Decoder &) {
    std::this_thread::sleep_for(Millis(15));
    return std::string("ok");
  });
  ASSERT_TRUE(server.start(0).ok());
  std::atomic<int> succeeded{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&] {
      RpcClient c("127.0.0.1", server.port(), cfg);
      std::string out;
      if (c.callWithRetries(Method::kList, "", &out).ok() && out == "ok") ++succeeded;
    });
  }
  for (std::thread &t : callers) t.join();
  EXPECT_EQ(succeeded.load(), 6);
  EXPECT_GT(server.stats().rejected_busy, 0u);
}

TEST(RpcTest, CallsExpiredInQueueAreDropped) {
  Config cfg = Config::forTests();
  cfg.handler_threads = 1;
  cfg.call_expiry = Millis(30);
  cfg.rpc_max_retries = 0;
  RpcServer server("nn", cfg);
  server.registerHandler(static_cast<uint16_t>(Method::kList), [](Decoder &) {
    std::this_thread::sleep_for(Millis(80));
    return std::string();
  });
  ASSERT_TRUE(server.start(0).ok());
  std::vector<std::thread> callers;
  std::atomic<int> expired{0};
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&] {
      RpcClient c("127.0.0.1", server.port(), cfg);
      if (c.call(Method::kList, "", nullptr).code() == Code::kExpired) ++expired;
    });
  }
  for (std::thread &t : callers) t.join();
  EXPECT_GE(expired.load(), 1);
  EXPECT_EQ(server.stats().expired, static_cast<uint64_t>(expired.load()));
}

TEST(RpcTest, HandlerErrorsBecomeStatuses) {
  Config cfg = Config::forTests();
  RpcServer server("nn", cfg);
  server.registerHandler(static_cast<uint16_t>(Method::kList),
                         [](Decoder &) -> std::string { throw DfsError(Code::kNotFound, "nothing"); });
  server.registerHandler(static_cast<uint16_t>(Method::kDelete),
                         [](Decoder &) -> std::string { throw std::runtime_error("boom"); });
  ASSERT_TRUE(server.start(0).ok());
  RpcClient c("127.0.0.1", server.port(), cfg);
  Status st = c.callWithRetries(Method::kList, "", nullptr);
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(st.message(), "nothing");
  EXPECT_EQ(c.callWithRetries(Method::kDelete, "", nullptr).code(), Code::kError);
  // Application errors are not retried.
  EXPECT_EQ(c.attempts(), 2u);
}

}  // namespace
}  // namespace minidfs
