#include "namenode/block_manager.h"

#include <algorithm>

#include "common/log.h"

namespace minidfs {

Block BlockManager::allocate(const std::string &file, int expected) {
  BlockRecord rec;
  rec.block.id = next_block_id_++;
  rec.block.gen_stamp = next_gen_stamp_++;
  rec.file = file;
  rec.expected = expected;
  Block b = rec.block;
  blocks_.emplace(b.id, std::move(rec));
  return b;
}

void BlockManager::commit(uint64_t id, uint64_t numBytes) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  BlockRecord &rec = it->second;
  rec.committed = true;
  rec.block.num_bytes = numBytes;
  std::vector<std::string> stale;
  for (const auto &[dn, len] : rec.replicas) {
    if (len != numBytes) stale.push_back(dn);
  }
  for (const std::string &dn : stale) {
    removeReplica(dn, id);
    invalidate(dn, rec.block);
  }
  updateNeeded(id);
}

void BlockManager::removeBlock(uint64_t id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  for (const auto &entry : it->second.replicas) {
    node_blocks_[entry.first].erase(id);
    invalidate(entry.first, it->second.block);
  }
  needed_.erase(id);
  pending_.erase(id);
  blocks_.erase(it);
}

const BlockRecord *BlockManager::find(uint64_t id) const {
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second;
}

size_t BlockManager::liveReplicas(uint64_t id) const {
  const BlockRecord *rec = find(id);
  return rec == nullptr ? 0 : rec->replicas.size();
}

size_t BlockManager::blocksOn(const std::string &dn) const {
  auto it = node_blocks_.find(dn);
  return it == node_blocks_.end() ? 0 : it->second.size();
}

void BlockManager::processFullReport(const std::string &dn, const std::vector<Block> &reported) {
  std::set<uint64_t> unreported = node_blocks_[dn];
  for (const Block &b : reported) {
    ++report_blocks_processed_;
    unreported.erase(b.id);
    addStoredReplica(dn, b);
  }
  // Replicas we credited to this node that it no longer has (lost disk, deleted while
  // we were not listening).
  for (uint64_t id : unreported) removeReplica(dn, id);
  MINIDFS_LOG(kDebug) << "full report from " << dn << ": " << reported.size() << " blocks, "
                      << unreported.size() << " missing";
}

void BlockManager::processIncrementalReport(const IncrementalReport &report) {
  for (const Block &b : report.received) addStoredReplica(report.dn_id, b);
  for (uint64_t id : report.deleted) {
    auto it = blocks_.find(id);
    if (it != blocks_.end()) it->second.corrupt.erase(report.dn_id);
    removeReplica(report.dn_id, id);
  }
}

void BlockManager::addStoredReplica(const std::string &dn, const Block &reported) {
  auto it = blocks_.find(reported.id);
  if (it == blocks_.end()) {
    // Belongs to a deleted file or an abandoned pipeline.
    invalidate(dn, reported);
    return;
  }
  BlockRecord &rec = it->second;
  // A replica known to be corrupt stays unusable until its deletion is reported.
  if (reported.gen_stamp != rec.block.gen_stamp || rec.corrupt.count(dn) != 0 ||
      (rec.committed && reported.num_bytes != rec.block.num_bytes)) {
    invalidate(dn, reported);
    return;
  }
  rec.replicas[dn] = reported.num_bytes;
  node_blocks_[dn].insert(reported.id);
  auto p = pending_.find(reported.id);
  if (p != pending_.end()) {
    p->second.targets.erase(dn);
    if (p->second.targets.empty()) pending_.erase(p);
  }
  if (rec.committed) removeExcessReplicas(rec);
  updateNeeded(reported.id);
}

void BlockManager::removeExcessReplicas(BlockRecord &rec) {
  while (rec.replicas.size() > static_cast<size_t>(rec.expected)) {
    // Delete from the fullest node to keep the cluster balanced.
    std::string victim;
    size_t most = 0;
    for (const auto &entry : rec.replicas) {
      size_t n = blocksOn(entry.first);
      if (victim.empty() || n > most) {
        victim = entry.first;
        most = n;
      }
    }
    removeReplica(victim, rec.block.id);
    invalidate(victim, rec.block);
  }
}

void BlockManager::removeReplica(const std::string &dn, uint64_t id) {
  node_blocks_[dn].erase(id);
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  it->second.replicas.erase(dn);
  updateNeeded(id);
}

void BlockManager::invalidate(const std::string &dn, const Block &block) {
  invalidate_[dn].push_back(block);
}

void BlockManager::removeDatanode(const std::string &dn) {
  auto it = node_blocks_.find(dn);
  if (it != node_blocks_.end()) {
    std::set<uint64_t> ids = std::move(it->second);
    node_blocks_.erase(it);
    for (uint64_t id : ids) {
      auto b = blocks_.find(id);
      if (b == blocks_.end()) continue;
      b->second.replicas.erase(dn);
      updateNeeded(id);
    }
  }
  // Deletions queued for a dead node are moot: it re-reports from scratch when it returns.
  invalidate_.erase(dn);
  for (auto p = pending_.begin(); p != pending_.end();) {
    uint64_t id = p->first;
    p->second.targets.erase(dn);
    p = p->second.targets.empty() ? pending_.erase(p) : std::next(p);
    updateNeeded(id);
  }
}

void BlockManager::markReplicaCorrupt(uint64_t id, const std::string &dn) {
  auto it = blocks_.find(id);
  if (it == blocks_.end() || it->second.replicas.count(dn) == 0) return;
  Block block = it->second.block;
  it->second.corrupt.insert(dn);
  removeReplica(dn, id);
  invalidate(dn, block);
}

size_t BlockManager::pendingTargets(uint64_t id) const {
  auto p = pending_.find(id);
  return p == pending_.end() ? 0 : p->second.targets.size();
}

void BlockManager::updateNeeded(uint64_t id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) {
    needed_.erase(id);
    return;
  }
  const BlockRecord &rec = it->second;
  // Blocks still being written are the pipeline's business, not re-replication's.
  if (rec.committed && rec.replicas.size() + pendingTargets(id) < static_cast<size_t>(rec.expected)) {
    needed_.insert(id);
  } else {
    needed_.erase(id);
  }
}

std::vector<DatanodeInfo> BlockManager::chooseTargets(size_t n, const std::set<std::string> &exclude,
                                                      const LiveNodes &live) const {
  std::vector<std::pair<size_t, const DatanodeInfo *>> candidates;
  for (const auto &entry : live) {
    if (exclude.count(entry.first) == 0) candidates.emplace_back(blocksOn(entry.first), &entry.second);
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  std::vector<DatanodeInfo> out;
  for (size_t i = 0; i < candidates.size() && out.size() < n; ++i) out.push_back(*candidates[i].second);
  return out;
}

std::map<std::string, std::vector<Command>> BlockManager::computeReplicationWork(const LiveNodes &live,
                                                                               int maxPerNode) {
  std::map<std::string, std::vector<Command>> work;
  for (auto it = needed_.begin(); it != needed_.end();) {
    auto b = blocks_.find(*it);
    if (b == blocks_.end()) {
      it = needed_.erase(it);
      continue;
    }
    BlockRecord &rec = b->second;
    size_t have = rec.replicas.size() + pendingTargets(rec.block.id);
    if (have >= static_cast<size_t>(rec.expected)) {
      it = needed_.erase(it);
      continue;
    }
    // Source: a live holder that still has transfer capacity in this round.
    const std::string *source = nullptr;
    for (const auto &entry : rec.replicas) {
      if (live.count(entry.first) != 0 && work[entry.first].size() < static_cast<size_t>(maxPerNode)) {
        source = &entry.first;
        break;
      }
    }
    if (source == nullptr) {
      // No live replica (the block is missing) or every holder is busy: try next round.
      ++it;
      continue;
    }
    std::set<std::string> exclude;
    for (const auto &entry : rec.replicas) exclude.insert(entry.first);
    exclude.insert(rec.corrupt.begin(), rec.corrupt.end());
    auto p = pending_.find(rec.block.id);
    if (p != pending_.end()) exclude.insert(p->second.targets.begin(), p->second.targets.end());
    std::vector<DatanodeInfo> targets = chooseTargets(static_cast<size_t>(rec.expected) - have, exclude, live);
    if (targets.empty()) {
      ++it;
      continue;
    }
    Command cmd;
    cmd.type = CommandType::kReplicate;
    cmd.block = rec.block;
    cmd.targets = targets;
    work[*source].push_back(cmd);
    PendingReplication &pr = pending_[rec.block.id];
    for (const DatanodeInfo &t : targets) pr.targets.insert(t.id);
    pr.deadline = Clock::now() + cfg_.pending_replication_timeout;
    it = needed_.erase(it);
  }
  for (auto w = work.begin(); w != work.end();) w = w->second.empty() ? work.erase(w) : std::next(w);
  return work;
}

size_t BlockManager::processPendingTimeouts(Clock::time_point now) {
  std::vector<uint64_t> timedOut;
  for (const auto &entry : pending_) {
    if (entry.second.deadline <= now) timedOut.push_back(entry.first);
  }
  for (uint64_t id : timedOut) {
    pending_.erase(id);
    updateNeeded(id);
  }
  return timedOut.size();
}

std::vector<Command> BlockManager::takeInvalidations(const std::string &dn, size_t max) {
  std::vector<Command> out;
  auto it = invalidate_.find(dn);
  if (it == invalidate_.end()) return out;
  std::vector<Block> &queue = it->second;
  size_t n = std::min(max, queue.size());
  for (size_t i = 0; i < n; ++i) {
    Command c;
    c.type = CommandType::kInvalidate;
    c.block = queue[i];
    out.push_back(c);
  }
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
  if (queue.empty()) invalidate_.erase(it);
  return out;
}

}  // namespace minidfs
