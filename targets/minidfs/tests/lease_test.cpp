// Leases: renewal keeps writers alive, abandoned files are recovered.
#include "client/dfs_output_stream.h"
#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

class LeaseTest : public testing::ClusterTest {
 protected:
  bool waitUntilClosed(const std::string &path, Millis timeout) {
    return MiniCluster::waitFor(
        [&] {
          FileLocations locs;
          return client_->getBlockLocations(path, &locs).ok() && locs.complete;
        },
        timeout);
  }
};

TEST_F(LeaseTest, AbandonedFileIsRecoveredToLastReportedBlock) {
  startCluster(3);
  size_t block = static_cast<size_t>(cluster_->config().block_size);
  std::string data = makeData(block + 500, 200);
  auto writer = cluster_->newClient("crashing-writer");
  {
    std::unique_ptr<DFSOutputStream> out;
    ASSERT_TRUE(writer->create("/abandoned", 0, false, &out).ok());
    ASSERT_TRUE(out->write(data).ok());  // ships one full block, buffers the rest
    // Wait until the NameNode heard about the shipped block before the writer dies.
    ASSERT_TRUE(MiniCluster::waitFor(
        [&] { return cluster_->nameNode().replicaCounts("/abandoned") == std::vector<size_t>{2}; }, Millis(2000)));
    writer->abort();
  }
  ASSERT_TRUE(waitUntilClosed("/abandoned", Millis(3000)));
  EXPECT_GE(cluster_->nameNode().metrics().lease_recoveries, 1u);
  std::string back;
  ASSERT_TRUE(client_->readFile("/abandoned", &back).ok());
  EXPECT_EQ(back, data.substr(0, block));
}

TEST_F(LeaseTest, RecoveryOfFileWithoutBlocksClosesIt) {
  startCluster(2);
  auto writer = cluster_->newClient("idle-writer");
  {
    std::unique_ptr<DFSOutputStream> out;
    ASSERT_TRUE(writer->create("/nothing", 0, false, &out).ok());
    writer->abort();
  }
  ASSERT_TRUE(waitUntilClosed("/nothing", Millis(3000)));
  std::string back = "x";
  ASSERT_TRUE(client_->readFile("/nothing", &back).ok());
  EXPECT_TRUE(back.empty());
  EXPECT_EQ(cluster_->nameNode().metrics().leases, 0u);
}

TEST_F(LeaseTest, RenewalKeepsLeaseAlive) {
  startCluster(2);
  std::unique_ptr<DFSOutputStream> out;
  ASSERT_TRUE(client_->create("/longwrite", 0, false, &out).ok());
  // Several hard limits pass while the writer is idle but alive.
  ASSERT_TRUE(MiniCluster::waitFor([&] { return client_->stats().lease_renewals >= 25; }, Millis(4000)));
  EXPECT_EQ(cluster_->nameNode().metrics().lease_recoveries, 0u);
  ASSERT_TRUE(out->write("still mine").ok());
  ASSERT_TRUE(out->close().ok());
  std::string back;
  ASSERT_TRUE(client_->readFile("/longwrite", &back).ok());
  EXPECT_EQ(back, "still mine");
}

TEST_F(LeaseTest, WriterLosesFileAfterLeaseRecovery) {
  startCluster(2);
  auto writer = cluster_->newClient("late-writer");
  std::unique_ptr<DFSOutputStream> out;
  ASSERT_TRUE(writer->create("/taken", 0, false, &out).ok());
  writer->abort();  // stops renewing; the connection is reopened on demand
  ASSERT_TRUE(waitUntilClosed("/taken", Millis(3000)));
  ASSERT_TRUE(out->write(makeData(static_cast<size_t>(cluster_->config().block_size), 210)).code() ==
              Code::kLeaseExpired);
  out.reset();
}

TEST_F(LeaseTest, AnotherClientCannotOverwriteFileUnderConstruction) {
  startCluster(2);
  std::unique_ptr<DFSOutputStream> out;
  ASSERT_TRUE(client_->create("/busy", 0, false, &out).ok());
  auto other = cluster_->newClient("other");
  std::unique_ptr<DFSOutputStream> theirs;
  EXPECT_EQ(other->create("/busy", 0, true, &theirs).code(), Code::kAlreadyExists);
  ASSERT_TRUE(out->close().ok());
}

}  // namespace
}  // namespace minidfs
