// Block map of the NameNode: which DataNodes hold which replica, which blocks are
// under-replicated, which replications are in flight and which replicas must be deleted.
// Not thread-safe: every method runs under the namesystem lock.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "wire/protocol.h"

namespace minidfs {

struct BlockRecord {
  Block block;
  std::string file;
  int expected = 0;
  bool committed = false;                   // the writer fixed the block's length
  std::map<std::string, uint64_t> replicas;  // live DataNode -> reported replica length
  std::set<std::string> corrupt;             // nodes whose replica failed verification
};

using LiveNodes = std::map<std::string, DatanodeInfo>;

class BlockManager {
 public:
  explicit BlockManager(const Config &cfg) : cfg_(cfg) {}

  Block allocate(const std::string &file, int expected);
  // The writer finished the block with `numBytes`; replicas of another length are stale.
  void commit(uint64_t id, uint64_t numBytes);
  // The block left the namespace (file deleted, block abandoned): delete every replica.
  void removeBlock(uint64_t id);
  const BlockRecord *find(uint64_t id) const;
  size_t liveReplicas(uint64_t id) const;

  // Replaces what we believe `dn` stores with its report.
  void processFullReport(const std::string &dn, const std::vector<Block> &reported);
  void processIncrementalReport(const IncrementalReport &report);
  // `dn` was declared dead: its replicas no longer count.
  void removeDatanode(const std::string &dn);
  // A reader found a bad replica on `dn`: delete it and copy a good one.
  void markReplicaCorrupt(uint64_t id, const std::string &dn);

  // Chooses up to `n` live DataNodes (fewest blocks first) outside `exclude`.
  std::vector<DatanodeInfo> chooseTargets(size_t n, const std::set<std::string> &exclude,
                                          const LiveNodes &live) const;
  // One pass of the replication monitor: turns under-replicated blocks into transfer
  // commands for source DataNodes, at most maxPerNode per source.
  std::map<std::string, std::vector<Command>> computeReplicationWork(const LiveNodes &live, int maxPerNode);
  // Transfers that did not complete in time go back to the under-replicated set.
  size_t processPendingTimeouts(Clock::time_point now);
  std::vector<Command> takeInvalidations(const std::string &dn, size_t max);

  size_t blockCount() const { return blocks_.size(); }
  size_t underReplicatedCount() const { return needed_.size(); }
  size_t pendingCount() const { return pending_.size(); }
  size_t blocksOn(const std::string &dn) const;
  uint64_t fullReportBlocksProcessed() const { return report_blocks_processed_; }

 private:
  struct PendingReplication {
    std::set<std::string> targets;
    Clock::time_point deadline;
  };

  void addStoredReplica(const std::string &dn, const Block &reported);
  void removeReplica(const std::string &dn, uint64_t id);
  void invalidate(const std::string &dn, const Block &block);
  void removeExcessReplicas(BlockRecord &rec);
  void updateNeeded(uint64_t id);
  size_t pendingTargets(uint64_t id) const;

  const Config cfg_;
  std::unordered_map<uint64_t, BlockRecord> blocks_;
  std::map<std::string, std::set<uint64_t>> node_blocks_;
  std::set<uint64_t> needed_;
  std::map<uint64_t, PendingReplication> pending_;
  std::map<std::string, std::vector<Block>> invalidate_;
  uint64_t next_block_id_ = 1001;
  uint64_t next_gen_stamp_ = 1;
  uint64_t report_blocks_processed_ = 0;
};

}  // namespace minidfs
