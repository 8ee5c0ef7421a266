#include <cstdlib>
#include <fcntl.h>
#include <ftw.h>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "storage/shard_store.h"

namespace kvshard {
namespace {

int removeOne(const char *p, const struct stat *, int, struct FTW *) { return ::remove(p); }

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/kvshard-store-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { ::nftw(dir_.c_str(), removeOne, 8, FTW_DEPTH | FTW_PHYS); }
  std::string wal() const { return dir_ + "/wal.log"; }
  std::string dir_;
};

TEST_F(StoreTest, OwnershipValidation) {
  ShardStore s(4);
  ASSERT_TRUE(s.open(wal(), false).ok());
  EXPECT_THROW(s.checkOwner(1, 1), WrongOwnerError);
  s.adopt(1, 3);
  EXPECT_NO_THROW(s.checkOwner(1, 3));
  EXPECT_THROW(s.checkOwner(1, 2), WrongOwnerError);   // caller routed by an old map
  EXPECT_THROW(s.checkOwner(1, 4), StaleEpochError);   // node behind the caller
  EXPECT_THROW(s.checkOwner(9, 1), NotFoundError);
  s.adopt(1, 2);  // never lowers the epoch
  EXPECT_EQ(s.epoch(1), 3u);
}

TEST_F(StoreTest, LeavingShardRedirectsToTarget) {
  ShardStore s(4);
  ASSERT_TRUE(s.open(wal(), false).ok());
  s.adopt(2, 1);
  s.markLeaving(2, NodeAddress{"n5", "127.0.0.1", 555}, 2);
  EXPECT_FALSE(s.owns(2));
  try {
    s.checkOwner(2, 1);
    FAIL() << "expected WrongOwnerError";
  } catch (const WrongOwnerError &e) {
    OwnerHint h = OwnerHint::decode(e.detail());
    EXPECT_EQ(h.owner.id, "n5");
    EXPECT_EQ(h.epoch, 2u);
  }
}

TEST_F(StoreTest, WalReplayRestoresPutsDeletesAndDrops) {
  {
    ShardStore s(4);
    ASSERT_TRUE(s.open(wal(), false).ok());
    s.adopt(0, 1);
    s.adopt(1, 1);
    s.put(0, "a", "1");
    s.put(0, "b", "2");
    s.put(0, "a", "3");
    s.remove(0, "b");
    s.put(1, "c", "4");
    s.drop(1);
    s.merge(2, {{"d", "5", 1}});
    EXPECT_EQ(s.walAppends(), 7u);
  }
  ShardStore r(4);
  ASSERT_TRUE(r.open(wal(), false).ok());
  std::string v;
  ASSERT_TRUE(r.get(0, "a", &v));
  EXPECT_EQ(v, "3");
  EXPECT_FALSE(r.get(0, "b", &v));
  EXPECT_EQ(r.keyCount(1), 0u);
  ASSERT_TRUE(r.get(2, "d", &v));
  EXPECT_EQ(v, "5");
  EXPECT_TRUE(r.ownedShards().empty());  // ownership comes from the coordinator
}

TEST_F(StoreTest, TornWalTailIsIgnored) {
  {
    ShardStore s(2);
    ASSERT_TRUE(s.open(wal(), false).ok());
    s.adopt(0, 1);
    s.put(0, "a", "1");
  }
  int fd = ::open(wal().c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "\x00\x00\x00\x40\x01\x02", 6), 6);
  ::close(fd);
  ShardStore r(2);
  ASSERT_TRUE(r.open(wal(), false).ok());
  EXPECT_EQ(r.keyCount(0), 1u);
}

TEST_F(StoreTest, MergedEntriesAreLoggedAndOnlyNewerOnesApplied) {
  {
    ShardStore s(4);
    ASSERT_TRUE(s.open(wal(), false).ok());
    EXPECT_TRUE(s.mergeEntry(2, {"k", "v1", 3}));
    EXPECT_FALSE(s.mergeEntry(2, {"k", "v1", 3}));  // the same entry again (a resent batch)
    EXPECT_FALSE(s.mergeEntry(2, {"k", "old", 2}));
    EXPECT_TRUE(s.mergeEntry(2, {"k", "v2", 4}));
  }
  ShardStore r(4);
  ASSERT_TRUE(r.open(wal(), false).ok());
  std::string v;
  ASSERT_TRUE(r.get(2, "k", &v));
  EXPECT_EQ(v, "v2");
}

TEST_F(StoreTest, UnloggedMergeIsAppliedButNotReplayed) {
  {
    ShardStore s(4);
    ASSERT_TRUE(s.open(wal(), false).ok());
    s.failNextLogWrites(1);
    BatchEntry e{"a", "1", 3};
    EXPECT_THROW(s.mergeEntry(1, e), IoError);
    EXPECT_EQ(s.keyCount(1), 0u);
    EXPECT_TRUE(s.mergeEntryUnlogged(1, e));
    EXPECT_EQ(s.keyCount(1), 1u);
    EXPECT_EQ(s.walErrors(), 1u);
  }
  ShardStore r(4);
  ASSERT_TRUE(r.open(wal(), false).ok());
  EXPECT_EQ(r.keyCount(1), 0u);
}

TEST_F(StoreTest, MergeKeepsNewerVersions) {
  ShardStore s(2);
  ASSERT_TRUE(s.open(wal(), false).ok());
  s.adopt(0, 5);
  s.put(0, "k", "new");  // version 5
  size_t applied = s.merge(0, {{"k", "old", 3}, {"m", "fresh", 3}});
  EXPECT_EQ(applied, 1u);
  std::string v;
  ASSERT_TRUE(s.get(0, "k", &v));
  EXPECT_EQ(v, "new");
  ASSERT_TRUE(s.get(0, "m", &v));
  EXPECT_EQ(v, "fresh");
  std::vector<BatchEntry> snap = s.snapshot(0);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].key, "k");
  EXPECT_EQ(snap[0].version, 5u);
}

TEST_F(StoreTest, WalWriteFailureThrowsIoErrorAndAppliesNothing) {
  ShardStore s(2);
  ASSERT_TRUE(s.open("/dev/full", true).ok());
  s.adopt(0, 1);
  EXPECT_THROW(s.put(0, "k", "v"), IoError);
  EXPECT_THROW(s.remove(0, "k"), IoError);
  std::string v;
  EXPECT_FALSE(s.get(0, "k", &v));
  EXPECT_EQ(s.walErrors(), 2u);
  EXPECT_EQ(s.walAppends(), 0u);
}

TEST_F(StoreTest, UnwritableWalDirectoryFailsOpen) {
  ShardStore s(2);
  Status st = s.open(dir_ + "/missing/wal.log", false);
  EXPECT_EQ(st.code(), Code::kIoError);
}

}  // namespace
}  // namespace kvshard
