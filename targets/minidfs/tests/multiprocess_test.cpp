// Nodes as separate minidfs-node processes.
#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

class MultiProcessTest : public testing::ClusterTest {
 protected:
  void SetUp() override { startCluster(3, Config::forTests(), ClusterMode::kMultiProcess); }
};

TEST_F(MultiProcessTest, WriteReadAcrossProcesses) {
  std::string data = makeData(static_cast<size_t>(cluster_->config().block_size) + 4321, 600);
  ASSERT_TRUE(client_->writeFile("/mp", data).ok());
  std::string back;
  ASSERT_TRUE(client_->readFile("/mp", &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_TRUE(cluster_->waitForReplication("/mp", 2, Millis(2000)));
}

TEST_F(MultiProcessTest, KilledDatanodeIsDeclaredDeadAndReplicated) {
  std::string data = makeData(20000, 610);
  ASSERT_TRUE(client_->writeFile("/mpkill", data).ok());
  std::vector<std::string> holders = replicaHolders("/mpkill");
  ASSERT_EQ(holders.size(), 2u);
  cluster_->killDataNode(indexOf(holders[0]));
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  EXPECT_TRUE(MiniCluster::waitFor(
      [&] {
        std::vector<std::string> now = holdersOfFirstBlock("/mpkill");
        return now.size() == 2 && std::find(now.begin(), now.end(), holders[0]) == now.end();
      },
      Millis(3000)));
  std::string back;
  ASSERT_TRUE(client_->readFile("/mpkill", &back).ok());
  EXPECT_EQ(back, data);
}

TEST_F(MultiProcessTest, RestartedDatanodeProcessRejoins) {
  ASSERT_TRUE(client_->writeFile("/mprestart", makeData(7000, 620)).ok());
  cluster_->stopDataNode(2);
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(2, Millis(3000)));
  ASSERT_TRUE(cluster_->restartDataNode(2).ok());
  ASSERT_TRUE(cluster_->waitForLiveDatanodes(3, Millis(3000)));
  for (const DatanodeStatus &s : cluster_->datanodeReport()) {
    if (s.id == "dn3") {
      EXPECT_GE(s.registrations, 2u);
    }
  }
}

}  // namespace
}  // namespace minidfs
