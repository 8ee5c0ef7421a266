#include "namenode/namenode.h"

#include <algorithm>

#include "common/log.h"
#include "common/node_name.h"

namespace minidfs {

namespace {

// Invalidation commands handed out per heartbeat; deletions are cheap, so more than
// transfers, but still bounded to keep heartbeat responses small.
constexpr size_t kMaxInvalidationsPerHeartbeat = 64;

}  // namespace

NameNode::NameNode(const Config &cfg, std::string name)
    : cfg_(cfg),
      name_(std::move(name)),
      bm_(cfg),
      dm_(cfg, name_, [this](const std::string &id) { onDatanodeDead(id); }),
      replication_(cfg, name_, fs_lock_, bm_, dm_),
      rpc_(name_, cfg) {
  registerHandlers();
}

NameNode::~NameNode() { stop(); }

Status NameNode::start(uint16_t port) {
  Status st = rpc_.start(port);
  if (!st.ok()) return st;
  dm_.start();
  replication_.start();
  std::lock_guard<std::mutex> lk(monitor_mu_);
  running_ = true;
  lease_monitor_ = std::thread([this] { leaseMonitorLoop(); });
  MINIDFS_LOG(kInfo) << "namenode listening on port " << rpc_.port();
  return Status::OK();
}

void NameNode::stop() {
  {
    std::lock_guard<std::mutex> lk(monitor_mu_);
    if (!running_) return;
    running_ = false;
    monitor_cv_.notify_all();
  }
  lease_monitor_.join();
  rpc_.stop();
  replication_.stop();
  dm_.stop();
}

NameNodeMetrics NameNode::metrics() {
  NameNodeMetrics m;
  {
    std::lock_guard<std::mutex> fs(fs_lock_);
    m.files = ns_.size();
    m.blocks = bm_.blockCount();
    m.under_replicated = bm_.underReplicatedCount();
    m.pending_replications = bm_.pendingCount();
    m.leases = leases_.size();
  }
  m.dead_node_events = dm_.deadNodeEvents();
  m.scheduled_transfers = replication_.scheduledTransfers();
  m.lease_recoveries = lease_recoveries_;
  m.full_reports = full_reports_;
  m.rpc = rpc_.stats();
  return m;
}

std::vector<size_t> NameNode::replicaCounts(const std::string &path) {
  std::lock_guard<std::mutex> fs(fs_lock_);
  std::vector<size_t> out;
  if (INodeFile *f = ns_.find(path)) {
    for (uint64_t id : f->blocks) out.push_back(bm_.liveReplicas(id));
  }
  return out;
}

void NameNode::registerHandlers() {
  auto bind = [this](Method m, std::string (NameNode::*fn)(Decoder &)) {
    rpc_.registerHandler(static_cast<uint16_t>(m), [this, fn](Decoder &d) { return (this->*fn)(d); });
  };
  bind(Method::kCreate, &NameNode::create);
  bind(Method::kAddBlock, &NameNode::addBlock);
  bind(Method::kAbandonBlock, &NameNode::abandonBlock);
  bind(Method::kComplete, &NameNode::complete);
  bind(Method::kGetBlockLocations, &NameNode::getBlockLocations);
  bind(Method::kRenewLease, &NameNode::renewLease);
  bind(Method::kDelete, &NameNode::remove);
  bind(Method::kList, &NameNode::list);
  bind(Method::kReportBadBlock, &NameNode::reportBadBlock);
  bind(Method::kDatanodeReport, &NameNode::datanodeReport);
  bind(Method::kRegister, &NameNode::registerDatanode);
  bind(Method::kHeartbeat, &NameNode::heartbeat);
  bind(Method::kBlockReport, &NameNode::blockReport);
  bind(Method::kBlockReceived, &NameNode::blockReceived);
}

void NameNode::onDatanodeDead(const std::string &id) {
  std::lock_guard<std::mutex> fs(fs_lock_);
  bm_.removeDatanode(id);
}

LocatedBlock NameNode::locate(const BlockRecord &rec, const LiveNodes &live) const {
  LocatedBlock lb;
  lb.block = rec.block;
  for (const auto &entry : rec.replicas) {
    auto it = live.find(entry.first);
    if (it != live.end()) lb.locations.push_back(it->second);
    if (!rec.committed) lb.block.num_bytes = std::max(lb.block.num_bytes, entry.second);
  }
  return lb;
}

// --- ClientProtocol --------------------------------------------------------------------

std::string NameNode::create(Decoder &d) {
  std::string path = d.str();
  int replication = static_cast<int>(d.u32());
  std::string holder = d.str();
  bool overwrite = d.boolean();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  if (replication == 0) replication = cfg_.default_replication;
  for (uint64_t id : ns_.create(path, replication, holder, overwrite)) bm_.removeBlock(id);
  leases_.addPath(holder, path);
  return {};
}

std::string NameNode::addBlock(Decoder &d) {
  std::string path = d.str();
  std::string holder = d.str();
  Block previous = Block::decode(d);
  uint32_t n = d.count(4);
  std::set<std::string> excluded;
  for (uint32_t i = 0; i < n; ++i) excluded.insert(d.str());
  d.expectEnd();

  LiveNodes live = dm_.liveNodes();
  std::lock_guard<std::mutex> fs(fs_lock_);
  INodeFile &file = ns_.getUnderConstruction(path, holder);
  leases_.renew(holder);
  if (previous.id != 0) bm_.commit(previous.id, previous.num_bytes);
  std::vector<DatanodeInfo> targets = bm_.chooseTargets(static_cast<size_t>(file.replication), excluded, live);
  if (targets.size() < static_cast<size_t>(cfg_.min_replication)) {
    throw DfsError(Code::kNoSpace, "only " + std::to_string(targets.size()) + " datanodes available for " + path);
  }
  LocatedBlock lb;
  lb.block = bm_.allocate(path, file.replication);
  lb.locations = std::move(targets);
  file.blocks.push_back(lb.block.id);
  Encoder e;
  lb.encode(e);
  return e.take();
}

std::string NameNode::abandonBlock(Decoder &d) {
  std::string path = d.str();
  std::string holder = d.str();
  uint64_t id = d.u64();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  INodeFile &file = ns_.getUnderConstruction(path, holder);
  if (file.blocks.empty() || file.blocks.back() != id) {
    throw DfsError(Code::kBadRequest, "block " + std::to_string(id) + " is not the last block of " + path);
  }
  file.blocks.pop_back();
  bm_.removeBlock(id);
  return {};
}

std::string NameNode::complete(Decoder &d) {
  std::string path = d.str();
  std::string holder = d.str();
  Block last = Block::decode(d);
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  INodeFile &file = ns_.getUnderConstruction(path, holder);
  if (last.id != 0) bm_.commit(last.id, last.num_bytes);
  bool done = true;
  for (uint64_t id : file.blocks) {
    if (bm_.liveReplicas(id) < static_cast<size_t>(cfg_.min_replication)) {
      done = false;
      break;
    }
  }
  if (done) {
    file.under_construction = false;
    file.lease_holder.clear();
    leases_.removePath(holder, path);
  }
  Encoder e;
  e.boolean(done);
  return e.take();
}

std::string NameNode::getBlockLocations(Decoder &d) {
  std::string path = d.str();
  d.expectEnd();
  LiveNodes live = dm_.liveNodes();
  std::lock_guard<std::mutex> fs(fs_lock_);
  INodeFile &file = ns_.get(path);
  FileLocations out;
  out.complete = !file.under_construction;
  for (uint64_t id : file.blocks) {
    const BlockRecord *rec = bm_.find(id);
    if (rec == nullptr) continue;
    LocatedBlock lb = locate(*rec, live);
    out.length += lb.block.num_bytes;
    out.blocks.push_back(std::move(lb));
  }
  return out.encode();
}

std::string NameNode::renewLease(Decoder &d) {
  std::string holder = d.str();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  if (!leases_.renew(holder)) throw DfsError(Code::kLeaseExpired, "no lease held by " + holder);
  return {};
}

std::string NameNode::remove(Decoder &d) {
  std::string path = d.str();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  INodeFile &file = ns_.get(path);
  if (file.under_construction) leases_.removePath(file.lease_holder, path);
  for (uint64_t id : ns_.remove(path)) bm_.removeBlock(id);
  return {};
}

std::string NameNode::list(Decoder &d) {
  std::string prefix = d.str();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  Encoder e;
  std::vector<std::string> names = ns_.list(prefix);
  e.u32(static_cast<uint32_t>(names.size()));
  for (const std::string &n : names) e.str(n);
  return e.take();
}

std::string NameNode::reportBadBlock(Decoder &d) {
  uint64_t id = d.u64();
  std::string dn = d.str();
  d.expectEnd();
  std::lock_guard<std::mutex> fs(fs_lock_);
  MINIDFS_LOG(kInfo) << "replica of block " << id << " on " << dn << " reported corrupt";
  bm_.markReplicaCorrupt(id, dn);
  return {};
}

std::string NameNode::datanodeReport(Decoder &d) {
  d.expectEnd();
  return encodeDatanodeReport(dm_.report());
}

// --- DatanodeProtocol ------------------------------------------------------------------

std::string NameNode::registerDatanode(Decoder &d) {
  DatanodeInfo info = DatanodeInfo::decode(d);
  d.expectEnd();
  if (info.id.empty()) throw DfsError(Code::kBadRequest, "datanode id must not be empty");
  std::lock_guard<std::mutex> fs(fs_lock_);
  // A re-registering node restarts from an empty replica set; its full block report
  // (which always follows registration) rebuilds it.
  bm_.removeDatanode(info.id);
  dm_.registerDatanode(info);
  return {};
}

std::string NameNode::heartbeat(Decoder &d) {
  HeartbeatRequest req = HeartbeatRequest::decode(d);
  HeartbeatResponse resp;
  // Pending deletions live in the block map, so answering a heartbeat needs the
  // namesystem lock.
  std::lock_guard<std::mutex> fs(fs_lock_);
  if (!dm_.heartbeat(req.dn_id, req.num_blocks, static_cast<size_t>(cfg_.max_transfers_per_heartbeat),
                     &resp.commands)) {
    resp.reregister = true;
    return resp.encode();
  }
  std::vector<Command> deletions = bm_.takeInvalidations(req.dn_id, kMaxInvalidationsPerHeartbeat);
  resp.commands.insert(resp.commands.end(), deletions.begin(), deletions.end());
  return resp.encode();
}

std::string NameNode::blockReport(Decoder &d) {
  BlockReport report = BlockReport::decode(d);
  std::lock_guard<std::mutex> fs(fs_lock_);
  if (!dm_.isAlive(report.dn_id)) throw DfsError(Code::kNotRegistered, report.dn_id + " is not registered");
  ++full_reports_;
  bm_.processFullReport(report.dn_id, report.blocks);
  return {};
}

std::string NameNode::blockReceived(Decoder &d) {
  IncrementalReport report = IncrementalReport::decode(d);
  std::lock_guard<std::mutex> fs(fs_lock_);
  if (!dm_.isAlive(report.dn_id)) throw DfsError(Code::kNotRegistered, report.dn_id + " is not registered");
  bm_.processIncrementalReport(report);
  return {};
}

// --- leases ----------------------------------------------------------------------------

void NameNode::leaseMonitorLoop() {
  nameThread(name_);
  std::unique_lock<std::mutex> lk(monitor_mu_);
  while (running_) {
    monitor_cv_.wait_for(lk, cfg_.lease_check_interval);
    if (!running_) break;
    std::lock_guard<std::mutex> fs(fs_lock_);
    for (const auto &lease : leases_.expired(Clock::now(), cfg_.lease_hard_limit)) {
      MINIDFS_LOG(kInfo) << "lease of " << lease.first << " expired; recovering " << lease.second.size()
                         << " files";
      for (const std::string &path : lease.second) recoverLeaseLocked(lease.first, path);
    }
  }
}

void NameNode::recoverLeaseLocked(const std::string &holder, const std::string &path) {
  ++lease_recoveries_;
  leases_.removePath(holder, path);
  INodeFile *file = ns_.find(path);
  if (file == nullptr || !file->under_construction || file->lease_holder != holder) return;
  // Every block but the last was committed when the writer asked for its successor; only
  // the last block's length is open. Take the shortest finalized replica, so every
  // replica the file keeps holds all of its bytes, and drop a block no DataNode has.
  if (!file->blocks.empty()) {
    uint64_t last = file->blocks.back();
    const BlockRecord *rec = bm_.find(last);
    if (rec != nullptr && !rec->committed) {
      if (rec->replicas.empty()) {
        file->blocks.pop_back();
        bm_.removeBlock(last);
      } else {
        uint64_t len = UINT64_MAX;
        for (const auto &entry : rec->replicas) len = std::min(len, entry.second);
        bm_.commit(last, len);
      }
    }
  }
  file->under_construction = false;
  file->lease_holder.clear();
}

}  // namespace minidfs
