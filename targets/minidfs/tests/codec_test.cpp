// Unit tests of the building blocks: codec, protocol messages, checksums, namespace,
// block map, block store, call queue and configuration.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ftw.h>
#include <unistd.h>

#include "common/config.h"
#include "common/crc32.h"
#include "datanode/block_store.h"
#include "namenode/block_manager.h"
#include "namenode/namespace.h"
#include "rpc/call_queue.h"
#include "test_util.h"
#include "wire/protocol.h"

namespace minidfs {
namespace {

TEST(Codec, RoundTripsIntegersAndStrings) {
  Encoder e;
  e.u8(7).u16(65000).u32(4000000000u).u64(1ull << 60).boolean(true).str("hello");
  std::string buf = e.take();
  Decoder d(buf);
  EXPECT_EQ(d.u8(), 7);
  EXPECT_EQ(d.u16(), 65000);
  EXPECT_EQ(d.u32(), 4000000000u);
  EXPECT_EQ(d.u64(), 1ull << 60);
  EXPECT_TRUE(d.boolean());
  EXPECT_EQ(d.str(), "hello");
  EXPECT_NO_THROW(d.expectEnd());
}

TEST(Codec, TruncatedBufferThrows) {
  Encoder e;
  e.str("a long enough string");
  std::string buf = e.take();
  buf.resize(buf.size() - 3);
  Decoder d(buf);
  EXPECT_THROW(d.str(), ProtocolError);
}

TEST(Codec, HugeListCountRejected) {
  Encoder e;
  e.u32(0xFFFFFFFFu);
  std::string buf = e.take();
  Decoder d(buf);
  EXPECT_THROW(BlockReport::decode(d), ProtocolError);
}

TEST(Codec, FrameRoundTrip) {
  Frame f;
  f.type = 21;
  f.status = 3;
  f.id = 99;
  f.payload = "payload";
  std::string bytes = encodeFrame(f);
  ASSERT_EQ(bytes.size(), 4 + kFrameHeaderBytes + f.payload.size());
  Frame g = decodeFrameBody(bytes.substr(4));
  EXPECT_EQ(g.type, 21);
  EXPECT_EQ(g.status, 3);
  EXPECT_EQ(g.id, 99u);
  EXPECT_EQ(g.payload, "payload");
}

TEST(Protocol, HeartbeatResponseRoundTrip) {
  HeartbeatResponse r;
  r.reregister = true;
  Command c;
  c.type = CommandType::kReplicate;
  c.block = Block{5, 6, 7};
  c.targets.push_back(DatanodeInfo{"dn2", "127.0.0.1", 1234});
  r.commands.push_back(c);
  std::string buf = r.encode();
  Decoder d(buf);
  HeartbeatResponse s = HeartbeatResponse::decode(d);
  EXPECT_TRUE(s.reregister);
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].block.gen_stamp, 6u);
  EXPECT_EQ(s.commands[0].targets[0].xfer_port, 1234);
}

TEST(Protocol, FileLocationsRoundTrip) {
  FileLocations f;
  f.length = 10;
  f.complete = true;
  LocatedBlock lb;
  lb.block = Block{1, 2, 10};
  lb.locations.push_back(DatanodeInfo{"dn1", "127.0.0.1", 1});
  f.blocks.push_back(lb);
  std::string buf = f.encode();
  Decoder d(buf);
  FileLocations g = FileLocations::decode(d);
  EXPECT_EQ(g.length, 10u);
  ASSERT_EQ(g.blocks.size(), 1u);
  EXPECT_EQ(g.blocks[0].locations[0].id, "dn1");
}

TEST(Protocol, UnknownCommandTypeRejected) {
  Encoder e;
  e.u8(0).u8(42);
  std::string buf = e.take();
  Decoder d(buf);
  EXPECT_THROW(HeartbeatResponse::decode(d), ProtocolError);
}

TEST(Crc32, KnownVector) { EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u); }

TEST(NamespaceTest, CreateListRemove) {
  Namespace ns;
  ns.create("/a/1", 2, "c", false);
  ns.create("/a/2", 2, "c", false);
  ns.create("/b/1", 2, "c", false);
  EXPECT_EQ(ns.list("/a/").size(), 2u);
  EXPECT_THROW(ns.create("/a/1", 2, "c", false), DfsError);
  ns.remove("/a/1");
  EXPECT_EQ(ns.list("/a/").size(), 1u);
  EXPECT_THROW(ns.remove("/a/1"), DfsError);
  EXPECT_THROW(ns.create("relative", 1, "c", false), DfsError);
}

TEST(NamespaceTest, LeaseHolderEnforced) {
  Namespace ns;
  ns.create("/f", 1, "writer", false);
  EXPECT_NO_THROW(ns.getUnderConstruction("/f", "writer"));
  try {
    ns.getUnderConstruction("/f", "intruder");
    FAIL() << "expected DfsError";
  } catch (const DfsError &e) {
    EXPECT_EQ(e.status().code(), Code::kLeaseExpired);
  }
}

LiveNodes liveNodes(int n) {
  LiveNodes live;
  for (int i = 1; i <= n; ++i) {
    std::string id = "dn" + std::to_string(i);
    live[id] = DatanodeInfo{id, "127.0.0.1", static_cast<uint16_t>(1000 + i)};
  }
  return live;
}

TEST(BlockManagerTest, ReplicationWorkForUnderReplicatedBlock) {
  BlockManager bm(Config::forTests());
  Block b = bm.allocate("/f", 3);
  b.num_bytes = 10;
  IncrementalReport r;
  r.dn_id = "dn1";
  r.received.push_back(b);
  bm.processIncrementalReport(r);
  bm.commit(b.id, 10);
  EXPECT_EQ(bm.underReplicatedCount(), 1u);
  auto work = bm.computeReplicationWork(liveNodes(4), 4);
  ASSERT_EQ(work.count("dn1"), 1u);
  EXPECT_EQ(work["dn1"][0].targets.size(), 2u);
  EXPECT_EQ(bm.pendingCount(), 1u);
  EXPECT_EQ(bm.underReplicatedCount(), 0u);
  // Transfers that never complete go back to the queue.
  EXPECT_EQ(bm.processPendingTimeouts(Clock::now() + Millis(100000)), 1u);
  EXPECT_EQ(bm.underReplicatedCount(), 1u);
}

TEST(BlockManagerTest, DeadNodeMakesBlocksUnderReplicated) {
  BlockManager bm(Config::forTests());
  Block b = bm.allocate("/f", 2);
  b.num_bytes = 5;
  for (const char *dn : {"dn1", "dn2"}) {
    IncrementalReport r;
    r.dn_id = dn;
    r.received.push_back(b);
    bm.processIncrementalReport(r);
  }
  bm.commit(b.id, 5);
  EXPECT_EQ(bm.underReplicatedCount(), 0u);
  bm.removeDatanode("dn2");
  EXPECT_EQ(bm.liveReplicas(b.id), 1u);
  EXPECT_EQ(bm.underReplicatedCount(), 1u);
}

TEST(BlockManagerTest, FullReportDropsUnreportedReplicas) {
  BlockManager bm(Config::forTests());
  Block b1 = bm.allocate("/f", 1);
  Block b2 = bm.allocate("/f", 1);
  bm.processFullReport("dn1", {b1, b2});
  EXPECT_EQ(bm.blocksOn("dn1"), 2u);
  bm.processFullReport("dn1", {b1});
  EXPECT_EQ(bm.blocksOn("dn1"), 1u);
  EXPECT_EQ(bm.liveReplicas(b2.id), 0u);
}

TEST(BlockManagerTest, OrphanAndStaleReplicasInvalidated) {
  BlockManager bm(Config::forTests());
  Block b = bm.allocate("/f", 1);
  Block orphan{424242, 1, 0};
  Block stale = b;
  stale.gen_stamp += 7;
  bm.processFullReport("dn1", {orphan, stale});
  std::vector<Command> cmds = bm.takeInvalidations("dn1", 10);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].type, CommandType::kInvalidate);
  EXPECT_EQ(bm.liveReplicas(b.id), 0u);
}

int removeEntry(const char *path, const struct stat *, int, struct FTW *) { return ::remove(path); }

class BlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/minidfs-store-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ::nftw(dir_.c_str(), removeEntry, 8, FTW_DEPTH | FTW_PHYS); }
  std::string dir_;
};

TEST_F(BlockStoreTest, WriteFinalizeReadRoundTrip) {
  BlockStore store(dir_ + "/s", 512);
  ASSERT_TRUE(store.init().ok());
  std::string data = testing::makeData(3000, 1);
  uint64_t onDisk = 99;
  ASSERT_TRUE(store.openForWrite(Block{1, 1, 0}, &onDisk).ok());
  EXPECT_EQ(onDisk, 0u);
  store.writeAt(1, 0, data.substr(0, 1000));
  store.writeAt(1, 1000, data.substr(1000));
  Block fin;
  ASSERT_TRUE(store.finalize(1, &fin).ok());
  EXPECT_EQ(fin.num_bytes, 3000u);
  EXPECT_EQ(store.read(1, 0, 3000), data);
  EXPECT_EQ(store.read(1, 700, 100), data.substr(700, 100));
}

TEST_F(BlockStoreTest, CorruptionDetected) {
  BlockStore store(dir_ + "/s", 512);
  ASSERT_TRUE(store.init().ok());
  uint64_t onDisk = 0;
  ASSERT_TRUE(store.openForWrite(Block{2, 1, 0}, &onDisk).ok());
  store.writeAt(2, 0, testing::makeData(2048, 2));
  Block fin;
  ASSERT_TRUE(store.finalize(2, &fin).ok());
  FILE *f = std::fopen(store.dataPath(2).c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, 1500, SEEK_SET);
  std::fputc('X', f);
  std::fclose(f);
  EXPECT_NO_THROW(store.read(2, 0, 512));
  EXPECT_THROW(store.read(2, 1024, 1024), ChecksumError);
}

TEST_F(BlockStoreTest, ReloadsFinalizedReplicasOnRestart) {
  {
    BlockStore store(dir_ + "/s", 512);
    ASSERT_TRUE(store.init().ok());
    uint64_t onDisk = 0;
    ASSERT_TRUE(store.openForWrite(Block{3, 4, 0}, &onDisk).ok());
    store.writeAt(3, 0, "finalized");
    Block fin;
    ASSERT_TRUE(store.finalize(3, &fin).ok());
    ASSERT_TRUE(store.openForWrite(Block{4, 4, 0}, &onDisk).ok());
    store.writeAt(4, 0, "in flight");
  }
  BlockStore store(dir_ + "/s", 512);
  ASSERT_TRUE(store.init().ok());
  std::vector<Block> blocks = store.finalizedBlocks();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].id, 3u);
  EXPECT_EQ(blocks[0].gen_stamp, 4u);
  EXPECT_EQ(store.read(3, 0, 100), "finalized");
}

TEST(CallQueueTest, RejectsWhenFullAndDrainsAfterClose) {
  CallQueue<int> q(2);
  EXPECT_TRUE(q.offer(1));
  EXPECT_TRUE(q.offer(2));
  EXPECT_FALSE(q.offer(3));
  q.close();
  int v = 0;
  EXPECT_TRUE(q.take(&v));
  EXPECT_EQ(v, 1);
  EXPECT_TRUE(q.take(&v));
  EXPECT_FALSE(q.take(&v));
}

TEST(ConfigTest, ArgsRoundTrip) {
  Config a = Config::forTests();
  a.fast_failover = false;
  a.heartbeat_interval = Millis(77);
  a.handler_threads = 9;
  Config b;
  for (const std::string &kv : a.toArgs()) {
    size_t eq = kv.find('=');
    ASSERT_TRUE(b.set(kv.substr(0, eq), kv.substr(eq + 1))) << kv;
  }
  EXPECT_FALSE(b.fast_failover);
  EXPECT_EQ(b.heartbeat_interval, Millis(77));
  EXPECT_EQ(b.handler_threads, 9);
  EXPECT_FALSE(b.set("no_such_key", "1"));
}

}  // namespace
}  // namespace minidfs
