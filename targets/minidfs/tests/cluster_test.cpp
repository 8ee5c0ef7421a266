// Normal operation of an in-process cluster.
#include <thread>

#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

class ClusterTest : public testing::ClusterTest {};

TEST_F(ClusterTest, DatanodesRegister) {
  startCluster(3);
  std::vector<DatanodeStatus> report;
  ASSERT_TRUE(client_->datanodeReport(&report).ok());
  ASSERT_EQ(report.size(), 3u);
  for (const DatanodeStatus &s : report) {
    EXPECT_TRUE(s.alive) << s.id;
    EXPECT_GE(s.registrations, 1u);
  }
}

TEST_F(ClusterTest, WriteThenReadSmallFile) {
  startCluster(3);
  std::string data = makeData(1000, 1);
  ASSERT_TRUE(client_->writeFile("/small", data).ok());
  std::string back;
  ASSERT_TRUE(client_->readFile("/small", &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_TRUE(cluster_->waitForReplication("/small", 2, Millis(2000)));
}

TEST_F(ClusterTest, WriteThenReadMultiBlockFile) {
  startCluster(3);
  std::string data = makeData(static_cast<size_t>(cluster_->config().block_size) * 3 + 777, 2);
  ASSERT_TRUE(client_->writeFile("/multi", data, 3).ok());
  FileLocations locs;
  ASSERT_TRUE(client_->getBlockLocations("/multi", &locs).ok());
  EXPECT_TRUE(locs.complete);
  EXPECT_EQ(locs.blocks.size(), 4u);
  EXPECT_EQ(locs.length, data.size());
  std::string back;
  ASSERT_TRUE(client_->readFile("/multi", &back).ok());
  EXPECT_EQ(back, data);
}

TEST_F(ClusterTest, EmptyFile) {
  startCluster(2);
  ASSERT_TRUE(client_->writeFile("/empty", "").ok());
  std::string back = "x";
  ASSERT_TRUE(client_->readFile("/empty", &back).ok());
  EXPECT_TRUE(back.empty());
}

TEST_F(ClusterTest, ListAndDeleteRemovesReplicas) {
  startCluster(3);
  ASSERT_TRUE(client_->writeFile("/dir/a", makeData(5000, 3)).ok());
  ASSERT_TRUE(client_->writeFile("/dir/b", makeData(5000, 4)).ok());
  ASSERT_TRUE(client_->writeFile("/other", makeData(10, 5)).ok());
  std::vector<std::string> names;
  ASSERT_TRUE(client_->list("/dir/", &names).ok());
  EXPECT_EQ(names, (std::vector<std::string>{"/dir/a", "/dir/b"}));
  ASSERT_TRUE(client_->remove("/dir/a").ok());
  ASSERT_TRUE(client_->remove("/dir/b").ok());
  EXPECT_EQ(client_->remove("/dir/a").code(), Code::kNotFound);
  // Deletions reach the DataNodes with their heartbeats.
  EXPECT_TRUE(MiniCluster::waitFor(
      [&] {
        size_t total = 0;
        for (int i = 0; i < 3; ++i) total += cluster_->dataNode(i).store().size();
        return total == 2;
      },
      Millis(3000)));
}

TEST_F(ClusterTest, CreateExistingFileFails) {
  startCluster(2);
  ASSERT_TRUE(client_->writeFile("/dup", "one").ok());
  EXPECT_EQ(client_->writeFile("/dup", "two").code(), Code::kAlreadyExists);
  std::string back;
  ASSERT_TRUE(client_->readFile("/dup", &back).ok());
  EXPECT_EQ(back, "one");
}

TEST_F(ClusterTest, ReplicationStableOverManyHeartbeats) {
  startCluster(3);
  for (int i = 0; i < 4; ++i) {
    std::string path = "/stable" + std::to_string(i);
    ASSERT_TRUE(client_->writeFile(path, makeData(static_cast<size_t>(cluster_->config().block_size) + 10, 10 + i)).ok());
  }
  // Let every DataNode send many more heartbeats; nothing may be declared dead and no
  // block may lose a replica.
  std::vector<uint64_t> start;
  for (const DatanodeStatus &s : cluster_->datanodeReport()) start.push_back(s.heartbeats);
  ASSERT_TRUE(MiniCluster::waitFor(
      [&] {
        std::vector<DatanodeStatus> r = cluster_->datanodeReport();
        for (size_t i = 0; i < r.size(); ++i) {
          if (r[i].heartbeats < start[i] + 15) return false;
        }
        return true;
      },
      Millis(4000)));
  EXPECT_EQ(cluster_->nameNode().metrics().dead_node_events, 0u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(cluster_->waitForReplication("/stable" + std::to_string(i), 2, Millis(1000)));
  }
}

TEST_F(ClusterTest, ConcurrentWriters) {
  startCluster(3);
  std::vector<std::thread> writers;
  std::vector<Status> results(4);
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto c = cluster_->newClient("writer" + std::to_string(w));
      results[static_cast<size_t>(w)] = c->writeFile("/concurrent" + std::to_string(w), makeData(40000, 20 + w));
    });
  }
  for (std::thread &t : writers) t.join();
  for (int w = 0; w < 4; ++w) {
    ASSERT_TRUE(results[static_cast<size_t>(w)].ok()) << results[static_cast<size_t>(w)].toString();
    std::string back;
    ASSERT_TRUE(client_->readFile("/concurrent" + std::to_string(w), &back).ok());
    EXPECT_EQ(back, makeData(40000, 20 + w));
  }
}

TEST_F(ClusterTest, PeriodicFullBlockReportsKeepBlockMap) {
  Config cfg = Config::forTests();
  cfg.full_report_interval = Millis(60);
  startCluster(3, cfg);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(client_->writeFile("/report" + std::to_string(i), makeData(3000, 30 + i)).ok());
  }
  uint64_t before = cluster_->nameNode().metrics().full_reports;
  ASSERT_TRUE(MiniCluster::waitFor([&] { return cluster_->nameNode().metrics().full_reports >= before + 9; },
                                   Millis(3000)));
  NameNodeMetrics m = cluster_->nameNode().metrics();
  EXPECT_EQ(m.blocks, 6u);
  EXPECT_EQ(m.under_replicated, 0u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(cluster_->nameNode().replicaCounts("/report" + std::to_string(i)), std::vector<size_t>{2});
  }
}

TEST_F(ClusterTest, OverwriteReplacesBlocks) {
  startCluster(2);
  ASSERT_TRUE(client_->writeFile("/over", makeData(5000, 40)).ok());
  std::unique_ptr<DFSOutputStream> out;
  ASSERT_TRUE(client_->create("/over", 0, true, &out).ok());
  ASSERT_TRUE(out->write("replacement").ok());
  ASSERT_TRUE(out->close().ok());
  out.reset();
  std::string back;
  ASSERT_TRUE(client_->readFile("/over", &back).ok());
  EXPECT_EQ(back, "replacement");
  EXPECT_EQ(cluster_->nameNode().metrics().blocks, 1u);
}

}  // namespace
}  // namespace minidfs
