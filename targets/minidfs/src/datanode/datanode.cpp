#include "datanode/datanode.h"

#include <thread>

#include "common/log.h"

namespace minidfs {

DataNode::DataNode(const Config &cfg, std::string id, std::string dataDir, std::string nnHost, uint16_t nnPort)
    : cfg_(cfg),
      id_(std::move(id)),
      store_(std::move(dataDir), static_cast<size_t>(cfg.chunk_size)),
      xceiver_(*this, cfg),
      actor_(*this, cfg, nnHost, nnPort) {}

DataNode::~DataNode() { stop(); }

Status DataNode::start() {
  Status st = store_.init();
  if (!st.ok()) return st;
  st = xceiver_.start();
  if (!st.ok()) return st;
  actor_.start();
  started_ = true;
  MINIDFS_LOG(kInfo) << id_ << " started with " << store_.size() << " replicas, xfer port " << xferPort();
  return Status::OK();
}

void DataNode::stop() {
  if (!started_) return;
  started_ = false;
  actor_.stop();
  xceiver_.stop();
}

DatanodeInfo DataNode::info() const {
  DatanodeInfo i;
  i.id = id_;
  i.host = "127.0.0.1";
  i.xfer_port = xceiver_.port();
  return i;
}

DataNodeMetrics DataNode::metrics() const {
  DataNodeMetrics m;
  m.actor = actor_.stats();
  m.xceiver = xceiver_.stats();
  m.replicas = store_.size();
  m.transfers = transfers_;
  return m;
}

void DataNode::throttle() const {
  long ms = slowness_ms_;
  if (ms > 0) std::this_thread::sleep_for(Millis(ms));
}

void DataNode::blockReceived(const Block &block) { actor_.queueReceived(block); }

Status DataNode::transferBlock(const Block &block, const std::vector<DatanodeInfo> &targets) {
  ReplicaInfo replica;
  if (!store_.get(block.id, &replica) || replica.state != ReplicaState::kFinalized) {
    return Status(Code::kNotFound, "no finalized replica of block " + std::to_string(block.id));
  }
  ++active_transfers_;
  BlockSource source = [this, &block](uint64_t offset, size_t len) { return store_.read(block.id, offset, len); };
  int badIndex = -1;
  Status st;
  try {
    st = writeBlockToPipeline(cfg_, replica.block, targets, id_, source, replica.block.num_bytes, &badIndex);
  } catch (const ChecksumError &e) {
    // Our copy is bad: have the NameNode delete it and pick another source.
    actor_.reportBadReplica(block.id);
    st = Status(Code::kChecksum, e.what());
  } catch (const IoError &e) {
    st = Status(Code::kIoError, e.what());
  }
  --active_transfers_;
  if (st.ok()) ++transfers_;
  return st;
}

}  // namespace minidfs
