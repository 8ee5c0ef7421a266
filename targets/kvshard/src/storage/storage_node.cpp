#include "storage/storage_node.h"

#include <thread>

#include "common/log.h"

namespace kvshard {

namespace {

RpcServerOptions nodeServerOptions(const Config &cfg, const std::string &id) {
  RpcServerOptions o;
  o.node = id;
  o.handler_threads = cfg.node_handler_threads;
  o.queue_capacity = static_cast<size_t>(cfg.node_queue_capacity);
  o.max_frame_bytes = static_cast<size_t>(cfg.max_frame_bytes);
  return o;
}

int64_t toNs(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

StorageNode::StorageNode(const Config &cfg, std::string id, std::string dataDir, std::string coordHost,
                         uint16_t coordPort)
    : cfg_(cfg),
      id_(std::move(id)),
      data_dir_(std::move(dataDir)),
      store_(cfg.num_shards),
      server_(nodeServerOptions(cfg, id_)),
      coordinator_(std::move(coordHost), coordPort, channelOptions(cfg)),
      peers_(channelOptions(cfg)),
      mover_(cfg, id_, store_, coordinator_, peers_),
      control_(cfg, *this),
      shard_requests_(new std::atomic<uint64_t>[static_cast<size_t>(store_.numShards())]),
      last_shard_requests_(static_cast<size_t>(store_.numShards()), 0) {
  for (int i = 0; i < store_.numShards(); ++i) shard_requests_[static_cast<size_t>(i)] = 0;
  server_.handle(Method::kGet, [this](Reader &d) { return onGet(d); });
  server_.handle(Method::kPut, [this](Reader &d) { return onPut(d); });
  server_.handle(Method::kDelete, [this](Reader &d) { return onDelete(d); });
  server_.handle(Method::kInstallBatch, [this](Reader &d) { return onInstallBatch(d); });
  server_.handle(Method::kShardReady, [this](Reader &d) { return onShardReady(d); });
  server_.handle(Method::kStats, [this](Reader &d) { return onStats(d); });
}

StorageNode::~StorageNode() { stop(); }

Status StorageNode::start(uint16_t port) {
  std::string wal = cfg_.wal_file.empty() ? data_dir_ + "/wal.log" : cfg_.wal_file;
  Status st = store_.open(wal, cfg_.wal_fsync);
  if (!st.ok()) return st;
  st = server_.start(port);
  if (!st.ok()) return st;
  // The coordinator may still be starting (multi-process clusters): keep trying briefly.
  Clock::time_point deadline = Clock::now() + Millis(5000);
  while (!(st = registerWithCoordinator()).ok() && Clock::now() < deadline) {
    std::this_thread::sleep_for(Millis(20));
  }
  if (!st.ok()) {
    server_.stop();
    return st;
  }
  control_.start();
  started_ = true;
  return Status::OK();
}

void StorageNode::stop() {
  control_.stop();
  server_.stop();
  started_ = false;
}

Status StorageNode::registerWithCoordinator() {
  RegisterNodeRequest req{address()};
  Clock::time_point sent = Clock::now();
  std::string bytes;
  Status st = coordinator_.call(Method::kRegisterNode, req.encode(), &bytes);
  if (!st.ok()) return st;
  RegisterNodeResponse resp;
  try {
    Reader d(bytes);
    resp = RegisterNodeResponse::decode(d);
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  if (static_cast<int>(resp.num_shards) != store_.numShards()) {
    return Status(Code::kInternal, "coordinator has " + std::to_string(resp.num_shards) + " shards, node has " +
                                       std::to_string(store_.numShards()));
  }
  for (const ShardAssignment &a : resp.owned) store_.adopt(a.shard, a.epoch);
  extendLease(sent + cfg_.lease_duration);
  ++registrations_;
  return Status::OK();
}

void StorageNode::extendLease(Clock::time_point until) { lease_until_ns_ = toNs(until); }

bool StorageNode::leaseHeld() const { return toNs(Clock::now()) < lease_until_ns_; }

RenewLeaseRequest StorageNode::loadReport() {
  RenewLeaseRequest req;
  req.node = id_;
  Clock::time_point now = Clock::now();
  double seconds = std::chrono::duration<double>(now - last_report_).count();
  uint64_t total = requests_;
  req.load = seconds > 0 ? static_cast<uint64_t>(static_cast<double>(total - last_requests_) / seconds) : 0;
  last_requests_ = total;
  last_report_ = now;
  uint64_t hottest = 0;
  for (const ShardAssignment &a : store_.ownedShards()) {
    uint64_t count = shard_requests_[a.shard];
    uint64_t delta = count - last_shard_requests_[a.shard];
    if (delta > hottest) {
      hottest = delta;
      req.hot_shard = static_cast<int32_t>(a.shard);
    }
  }
  for (size_t i = 0; i < last_shard_requests_.size(); ++i) last_shard_requests_[i] = shard_requests_[i];
  return req;
}

// Ownership validation of a client request; rejected requests count as load too.
void StorageNode::admit(uint32_t shard, uint64_t epoch) {
  ++requests_;
  if (shard < static_cast<uint32_t>(store_.numShards())) ++shard_requests_[shard];
  int64_t delay = handler_delay_ms_;
  if (delay > 0) std::this_thread::sleep_for(Millis(delay));
  try {
    if (!leaseHeld()) throw WrongOwnerError(shard, OwnerHint{});  // fenced: lease lapsed
    store_.checkOwner(shard, epoch);
  } catch (const WrongOwnerError &) {
    ++wrong_owner_;
    throw;
  }
}

std::string StorageNode::onGet(Reader &d) {
  KeyRequest req = KeyRequest::decode(d);
  admit(req.shard, req.epoch);
  ++gets_;
  std::string value;
  if (!store_.get(req.shard, req.key, &value)) throw NotFoundError("no key " + req.key);
  Writer w;
  w.blob(value);
  return w.release();
}

std::string StorageNode::onPut(Reader &d) {
  PutRequest req = PutRequest::decode(d);
  admit(req.shard, req.epoch);
  ++puts_;
  try {
    store_.put(req.shard, req.key, req.value);
  } catch (const IoError &) {
    ++io_errors_;
    throw;
  }
  return std::string();
}

std::string StorageNode::onDelete(Reader &d) {
  KeyRequest req = KeyRequest::decode(d);
  admit(req.shard, req.epoch);
  ++deletes_;
  try {
    store_.remove(req.shard, req.key);
  } catch (const IoError &) {
    ++io_errors_;
    throw;
  }
  return std::string();
}

// Handoff receiver: verifies the batch checksum before merging.
std::string StorageNode::onInstallBatch(Reader &d) {
  InstallBatchRequest req = InstallBatchRequest::decode(d);
  uint32_t actual = req.computeChecksum();
  if (actual != req.checksum) {
    ++corrupt_batches_;
    throw CorruptBatchError(req.shard, req.checksum, actual);
  }
  // Install loop: each entry is logged and applied on its own. An entry no newer than the
  // local copy is one this node has already (the sender resent the batch).
  for (const BatchEntry &e : req.entries) {
    try {
      if (!store_.mergeEntry(req.shard, e)) ++stale_entries_;
    } catch (const IoError &) {
      ++io_errors_;
      // Strict: the batch is refused (IO_ERROR) and the sender fails the handoff.
      if (cfg_.handoff_strict) throw;
      // Best effort: keep the entry in memory and go on; it is not logged, so a crash of
      // this node before the key is written again loses it.
      store_.mergeEntryUnlogged(req.shard, e);
      ++unlogged_entries_;
    }
  }
  ++batches_installed_;
  return std::string();
}

std::string StorageNode::onShardReady(Reader &d) {
  ShardReadyRequest req = ShardReadyRequest::decode(d);
  store_.adopt(req.shard, req.epoch);
  return std::string();
}

std::string StorageNode::onStats(Reader &d) {
  d.requireEnd();
  return encodeStats(stats());
}

StatsMap StorageNode::stats() const {
  StatsMap s;
  s["requests"] = requests_;
  s["wrong_owner"] = wrong_owner_;
  s["gets"] = gets_;
  s["puts"] = puts_;
  s["deletes"] = deletes_;
  s["io_errors"] = io_errors_;
  s["wal_errors"] = store_.walErrors();
  s["wal_appends"] = store_.walAppends();
  s["batches_installed"] = batches_installed_;
  s["corrupt_batches"] = corrupt_batches_;
  s["stale_entries"] = stale_entries_;
  s["unlogged_entries"] = unlogged_entries_;
  s["registrations"] = registrations_;
  s["handoffs_started"] = mover_.handoffsStarted();
  s["handoffs_completed"] = mover_.handoffsCompleted();
  s["handoff_failures"] = mover_.handoffFailures();
  s["handoffs_superseded"] = mover_.handoffsSuperseded();
  s["batches_sent"] = mover_.batchesSent();
  s["batch_retransmits"] = mover_.batchRetransmits();
  s["batch_failures"] = mover_.batchFailures();
  s["control_rounds"] = control_.rounds();
  s["renew_calls"] = control_.renewCalls();
  s["renewals"] = control_.renewals();
  s["renew_failures"] = control_.renewFailures();
  s["renew_give_ups"] = control_.renewGiveUps();
  s["owned_shards"] = store_.ownedShards().size();
  s["keys"] = store_.totalKeys();
  s["lease_held"] = leaseHeld() ? 1 : 0;
  RpcServerStats rs = server_.stats();
  s["rpc_calls"] = rs.calls;
  s["rpc_overloaded"] = rs.overloaded;
  s["rpc_errors"] = rs.errors;
  s["rpc_malformed"] = rs.malformed;
  return s;
}

}  // namespace kvshard
