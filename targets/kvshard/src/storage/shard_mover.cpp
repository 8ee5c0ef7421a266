#include "storage/shard_mover.h"

#include <algorithm>
#include <thread>

#include "common/log.h"

namespace kvshard {

ShardMover::ShardMover(const Config &cfg, std::string nodeId, ShardStore &store, RpcChannel &coordinator,
                       ChannelPool &peers)
    : cfg_(cfg), node_(std::move(nodeId)), store_(store), coordinator_(coordinator), peers_(peers) {}

Status ShardMover::stream(uint32_t shard, const NodeAddress &target) {
  ++started_;
  std::shared_ptr<RpcChannel> channel = peers_.get(target);
  Status st = sendShardBatches(shard, store_.epoch(shard), *channel);
  HandoffDoneResponse done;
  Status reported = reportDone(shard, target, st.ok(), &done);
  if (st.ok() && !reported.ok()) st = reported;
  if (!st.ok()) {
    // The data stays here; if the coordinator still places the shard on this node the
    // next lease renewal hands it back.
    ++failed_;
    KV_LOG(kWarn) << "handoff of shard " << shard << " to " << target.id << " failed: " << st.toString();
    return st;
  }
  if (!done.owner_is_target) {
    // The placement moved on while this node streamed (it was expired meanwhile and the
    // shard went elsewhere): keep the data; the HANDOFF to the shard's current owner
    // arrives with the next lease renewal.
    ++superseded_;
    KV_LOG(kInfo) << "handoff of shard " << shard << " to " << target.id << " superseded";
    return Status::OK();
  }
  ShardReadyRequest ready{shard, done.epoch};
  Status rs = channel->call(Method::kShardReady, ready.encode(), nullptr);
  if (!rs.ok()) {
    KV_LOG(kInfo) << "ShardReady to " << target.id << ": " << rs.toString();
  }
  store_.markLeaving(shard, target, done.epoch);
  try {
    store_.drop(shard);
  } catch (const KvError &e) {
    KV_LOG(kWarn) << "drop of shard " << shard << " not logged: " << e.what();
  }
  ++completed_;
  return Status::OK();
}

// The handoff loop: one InstallBatch per handoff_batch_keys keys of the shard.
Status ShardMover::sendShardBatches(uint32_t shard, uint64_t epoch, RpcChannel &target) {
  std::vector<BatchEntry> entries = store_.snapshot(shard);
  size_t batchKeys = static_cast<size_t>(std::max(1, cfg_.handoff_batch_keys));
  uint32_t seq = 0;
  int resends = 0;
  Status st;
  for (size_t offset = 0; offset < entries.size();) {
    st = sendBatch(target, shard, epoch, seq, entries, offset, batchKeys);
    if (!st.ok()) {
      ++failed_batches_;
      // Strict: the handoff fails; the shard stays here (re-adopted at the next renewal).
      if (cfg_.handoff_strict) return st;
      // Best effort: the same batch again after a pause; the receiver merges it again.
      if (!pauseBeforeResend(shard, seq, st, ++resends)) return st;
      continue;
    }
    ++batches_;
    ++seq;
    offset += batchKeys;
  }
  return Status::OK();
}

// Batch `seq`: up to `count` entries of the shard from `offset` on.
Status ShardMover::sendBatch(RpcChannel &target, uint32_t shard, uint64_t epoch, uint32_t seq,
                             const std::vector<BatchEntry> &entries, size_t offset, size_t count) {
  size_t end = std::min(entries.size(), offset + count);
  InstallBatchRequest req;
  req.shard = shard;
  req.epoch = epoch;
  req.seq = seq;
  req.entries.assign(entries.begin() + static_cast<std::ptrdiff_t>(offset),
                     entries.begin() + static_cast<std::ptrdiff_t>(end));
  req.checksum = req.computeChecksum();
  int64_t delay = batch_delay_ms_;
  if (delay > 0) std::this_thread::sleep_for(Millis(delay));
  return sendBatchWithRetransmit(target, req);
}

// Best effort: false once a handoff has resent max_batch_retransmits batches.
bool ShardMover::pauseBeforeResend(uint32_t shard, uint32_t seq, const Status &failure, int resends) {
  if (resends > cfg_.max_batch_retransmits) return false;
  KV_LOG(kInfo) << "batch " << seq << " of shard " << shard << " failed: " << failure.toString() << "; resending";
  std::this_thread::sleep_for(exponentialBackoff(resends - 1, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
  return true;
}

// Resends a batch the receiver found corrupt; bounded by max_batch_retransmits.
Status ShardMover::sendBatchWithRetransmit(RpcChannel &target, const InstallBatchRequest &req) {
  Status st;
  for (int transmission = 0; transmission <= cfg_.max_batch_retransmits; ++transmission) {
    if (transmission > 0) ++retransmits_;
    std::string wire = req.encode();
    if (corrupt_pending_ > 0) {
      --corrupt_pending_;
      wire.back() = static_cast<char>(wire.back() ^ 0x01);  // the checksum is the last field
    }
    st = target.call(Method::kInstallBatch, wire, nullptr);
    if (st.code() != Code::kCorrupt) return st;
    KV_LOG(kInfo) << "batch " << req.seq << " of shard " << req.shard << " corrupt at receiver; resending";
  }
  return st;
}

Status ShardMover::reportDone(uint32_t shard, const NodeAddress &target, bool ok, HandoffDoneResponse *resp) {
  HandoffDoneRequest req{node_, shard, target.id, ok};
  std::string bytes;
  Status st = coordinator_.call(Method::kHandoffDone, req.encode(), &bytes);
  if (!st.ok()) return st;
  try {
    Reader d(bytes);
    *resp = HandoffDoneResponse::decode(d);
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  return Status::OK();
}

}  // namespace kvshard
