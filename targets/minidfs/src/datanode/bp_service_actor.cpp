#include "datanode/bp_service_actor.h"

#include "common/log.h"
#include "common/node_name.h"
#include "datanode/datanode.h"

namespace minidfs {

BPServiceActor::BPServiceActor(DataNode &dn, const Config &cfg, const std::string &nnHost, uint16_t nnPort)
    : dn_(dn), cfg_(cfg), nn_(nnHost, nnPort, cfg) {}

BPServiceActor::~BPServiceActor() { stop(); }

void BPServiceActor::start() {
  std::lock_guard<std::mutex> lk(mu_);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void BPServiceActor::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!running_) return;
    running_ = false;
    cv_.notify_all();
  }
  thread_.join();
  nn_.close();
}

bool BPServiceActor::running() const {
  std::lock_guard<std::mutex> lk(mu_);
  return running_;
}

void BPServiceActor::waitUntil(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait_until(lk, deadline, [this] { return !running_ || !received_.empty() || !deleted_.empty(); });
}

void BPServiceActor::queueReceived(const Block &block) {
  std::lock_guard<std::mutex> lk(mu_);
  received_.push_back(block);
  cv_.notify_all();
}

void BPServiceActor::queueDeleted(uint64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  deleted_.push_back(id);
  cv_.notify_all();
}

ActorStats BPServiceActor::stats() const {
  ActorStats s;
  s.heartbeats = heartbeats_;
  s.failed_heartbeats = failed_heartbeats_;
  s.registrations = registrations_;
  s.full_reports = full_reports_;
  s.incremental_reports = incremental_reports_;
  s.commands = commands_;
  s.failed_transfers = failed_transfers_;
  return s;
}

void BPServiceActor::run() {
  nameThread(dn_.id());
  Clock::time_point nextHeartbeat = Clock::now();
  while (running()) {
    if (need_registration_) {
      Status st = registerWithNameNode();
      if (!st.ok()) {
        MINIDFS_LOG(kInfo) << "registration failed: " << st.toString();
        waitUntil(Clock::now() + cfg_.heartbeat_interval);
        continue;
      }
      need_registration_ = false;
      full_report_due_ = true;
    }
    if (Clock::now() >= nextHeartbeat) {
      nextHeartbeat = Clock::now() + cfg_.heartbeat_interval;
      HeartbeatResponse resp;
      Status st = sendHeartbeat(&resp);
      if (!st.ok()) {
        // We cannot tell whether the NameNode restarted or expired us while we were
        // unreachable. Registering again is idempotent, and the full report that
        // follows rebuilds its view of our replicas either way.
        ++failed_heartbeats_;
        MINIDFS_LOG(kInfo) << "heartbeat failed: " << st.toString() << "; re-registering";
        need_registration_ = true;
        continue;
      }
      if (resp.reregister) {
        MINIDFS_LOG(kInfo) << "namenode asked us to re-register";
        need_registration_ = true;
        continue;
      }
      processCommands(resp.commands);
    }
    if (full_report_due_ || Clock::now() >= next_full_report_) {
      Status st = sendFullReport();
      if (!st.ok()) {
        MINIDFS_LOG(kInfo) << "full block report failed: " << st.toString();
        if (st.code() == Code::kNotRegistered) need_registration_ = true;
      } else {
        full_report_due_ = false;
        next_full_report_ = Clock::now() + cfg_.full_report_interval;
      }
    }
    Status ist = sendIncrementalReport();
    if (!ist.ok() && ist.code() == Code::kNotRegistered) need_registration_ = true;
    waitUntil(nextHeartbeat);
  }
}

Status BPServiceActor::registerWithNameNode() {
  Encoder e;
  dn_.info().encode(e);
  Status st = nn_.call(Method::kRegister, e.data(), nullptr);
  if (st.ok()) ++registrations_;
  return st;
}

Status BPServiceActor::sendHeartbeat(HeartbeatResponse *resp) {
  HeartbeatRequest req;
  req.dn_id = dn_.id();
  req.num_blocks = static_cast<uint32_t>(dn_.store().size());
  req.active_transfers = static_cast<uint32_t>(dn_.activeTransfers());
  std::string out;
  // One attempt only: the next heartbeat is the retry.
  Status st = nn_.call(Method::kHeartbeat, req.encode(), &out);
  if (!st.ok()) return st;
  try {
    Decoder d(out);
    *resp = HeartbeatResponse::decode(d);
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  ++heartbeats_;
  return Status::OK();
}

Status BPServiceActor::sendFullReport() {
  BlockReport report;
  report.dn_id = dn_.id();
  report.blocks = dn_.store().finalizedBlocks();
  {
    // Everything queued so far is covered by the full report.
    std::lock_guard<std::mutex> lk(mu_);
    received_.clear();
    deleted_.clear();
  }
  Status st = nn_.call(Method::kBlockReport, report.encode(), nullptr);
  if (st.ok()) ++full_reports_;
  return st;
}

Status BPServiceActor::sendIncrementalReport() {
  IncrementalReport report;
  report.dn_id = dn_.id();
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (received_.empty() && deleted_.empty()) return Status::OK();
    report.received.swap(received_);
    report.deleted.swap(deleted_);
  }
  Status st = nn_.call(Method::kBlockReceived, report.encode(), nullptr);
  if (!st.ok()) {
    // Keep the items for the next attempt, ahead of anything queued meanwhile.
    std::lock_guard<std::mutex> lk(mu_);
    received_.insert(received_.begin(), report.received.begin(), report.received.end());
    deleted_.insert(deleted_.begin(), report.deleted.begin(), report.deleted.end());
    return st;
  }
  ++incremental_reports_;
  return st;
}

void BPServiceActor::reportBadReplica(uint64_t id) {
  Encoder e;
  e.u64(id).str(dn_.id());
  Status st = nn_.call(Method::kReportBadBlock, e.data(), nullptr);
  if (!st.ok()) {
    MINIDFS_LOG(kWarn) << "could not report bad replica " << id << ": " << st.toString();
  }
}

void BPServiceActor::processCommands(const std::vector<Command> &cmds) {
  // Commands run inline, as in HDFS's BPOfferService: the NameNode bounds the transfers
  // per heartbeat (max_transfers_per_heartbeat), which bounds how late the next
  // heartbeat can be.
  for (const Command &cmd : cmds) {
    ++commands_;
    if (cmd.type == CommandType::kReplicate) {
      Status st = dn_.transferBlock(cmd.block, cmd.targets);
      if (!st.ok()) {
        ++failed_transfers_;
        MINIDFS_LOG(kWarn) << "transfer of block " << cmd.block.id << " failed: " << st.toString();
      }
      continue;
    }
    if (!dn_.store().remove(cmd.block.id)) {
      MINIDFS_LOG(kDebug) << "block " << cmd.block.id << " to delete was already gone";
    }
    queueDeleted(cmd.block.id);
  }
}

}  // namespace minidfs
