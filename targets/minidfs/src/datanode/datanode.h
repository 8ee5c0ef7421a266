// A storage node: a block store, a data-transfer server and the actor talking to the
// NameNode.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/config.h"
#include "datanode/block_store.h"
#include "datanode/bp_service_actor.h"
#include "datanode/data_transfer.h"

namespace minidfs {

struct DataNodeMetrics {
  ActorStats actor;
  XceiverStats xceiver;
  size_t replicas = 0;
  uint64_t transfers = 0;
};

class DataNode {
 public:
  DataNode(const Config &cfg, std::string id, std::string dataDir, std::string nnHost, uint16_t nnPort);
  ~DataNode();
  DataNode(const DataNode &) = delete;
  DataNode &operator=(const DataNode &) = delete;

  Status start();
  void stop();

  const std::string &id() const { return id_; }
  DatanodeInfo info() const;
  uint16_t xferPort() const { return xceiver_.port(); }
  BlockStore &store() { return store_; }
  DataNodeMetrics metrics() const;
  size_t activeTransfers() const { return active_transfers_; }

  // Adds a per-packet processing delay, modelling a node with a slow disk or a
  // saturated NIC.
  void setSlowness(Millis perPacket) { slowness_ms_ = perPacket.count(); }
  void throttle() const;

  // Copies a local replica to `targets` (a replication command from the NameNode).
  Status transferBlock(const Block &block, const std::vector<DatanodeInfo> &targets);
  // Called by the receiver once a replica is finalized.
  void blockReceived(const Block &block);

 private:
  const Config cfg_;
  const std::string id_;
  BlockStore store_;
  DataXceiverServer xceiver_;
  BPServiceActor actor_;
  std::atomic<long> slowness_ms_{0};
  std::atomic<size_t> active_transfers_{0};
  std::atomic<uint64_t> transfers_{0};
  bool started_ = false;
};

}  // namespace minidfs
