// Streams one shard to another node: the shard's keys in batches of handoff_batch_keys,
// one InstallBatch RPC per batch (resent, at most max_batch_retransmits times, when the
// receiver reports a corrupt batch), then HandoffDone to the coordinator and ShardReady
// to the target. Runs on the node's control thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/config.h"
#include "rpc/channel_pool.h"
#include "storage/shard_store.h"

namespace kvshard {

class ShardMover {
 public:
  ShardMover(const Config &cfg, std::string nodeId, ShardStore &store, RpcChannel &coordinator, ChannelPool &peers);

  Status stream(uint32_t shard, const NodeAddress &target);

  // Damages the checksum of the next `n` batches put on the wire (a flaky link).
  void corruptNextBatches(int n) { corrupt_pending_ = n; }
  // Adds a pause before every batch (a slow or congested link to the target).
  void setBatchDelay(Millis d) { batch_delay_ms_ = d.count(); }

  uint64_t handoffsStarted() const { return started_; }
  uint64_t handoffsCompleted() const { return completed_; }
  uint64_t handoffFailures() const { return failed_; }
  uint64_t handoffsSuperseded() const { return superseded_; }
  uint64_t batchesSent() const { return batches_; }
  uint64_t batchRetransmits() const { return retransmits_; }
  uint64_t batchFailures() const { return failed_batches_; }

 private:
  Status sendShardBatches(uint32_t shard, uint64_t epoch, RpcChannel &target);
  Status sendBatch(RpcChannel &target, uint32_t shard, uint64_t epoch, uint32_t seq,
                   const std::vector<BatchEntry> &entries, size_t offset, size_t count);
  bool pauseBeforeResend(uint32_t shard, uint32_t seq, const Status &failure, int resends);
  Status sendBatchWithRetransmit(RpcChannel &target, const InstallBatchRequest &req);
  Status reportDone(uint32_t shard, const NodeAddress &target, bool ok, HandoffDoneResponse *resp);

  const Config cfg_;
  const std::string node_;
  ShardStore &store_;
  RpcChannel &coordinator_;
  ChannelPool &peers_;
  std::atomic<int> corrupt_pending_{0};
  std::atomic<int64_t> batch_delay_ms_{0};
  std::atomic<uint64_t> started_{0}, completed_{0}, failed_{0}, superseded_{0}, batches_{0}, retransmits_{0},
      failed_batches_{0};
};

}  // namespace kvshard
