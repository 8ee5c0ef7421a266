// The metadata server. Owns the namespace, the block map, the DataNode registry, leases
// and the RPC server through which clients and DataNodes reach them.
//
// Locking: fs_lock_ (the namesystem lock) guards the namespace, the block map and the
// leases. Heartbeat and report handlers, the replication monitor and the lease monitor
// all take it, as in HDFS, so a long critical section in one of them stalls the others.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/config.h"
#include "namenode/block_manager.h"
#include "namenode/datanode_manager.h"
#include "namenode/lease_manager.h"
#include "namenode/namespace.h"
#include "namenode/replication_monitor.h"
#include "rpc/rpc_server.h"

namespace minidfs {

struct NameNodeMetrics {
  size_t files = 0;
  size_t blocks = 0;
  size_t under_replicated = 0;
  size_t pending_replications = 0;
  size_t leases = 0;
  uint64_t dead_node_events = 0;
  uint64_t scheduled_transfers = 0;
  uint64_t lease_recoveries = 0;
  uint64_t full_reports = 0;
  RpcServerStats rpc;
};

class NameNode {
 public:
  explicit NameNode(const Config &cfg, std::string name = "nn");
  ~NameNode();
  NameNode(const NameNode &) = delete;
  NameNode &operator=(const NameNode &) = delete;

  Status start(uint16_t port = 0);
  void stop();
  uint16_t port() const { return rpc_.port(); }
  NameNodeMetrics metrics();
  // Live replicas of every block of `path`, in order; empty when the file is unknown.
  std::vector<size_t> replicaCounts(const std::string &path);

 private:
  void registerHandlers();
  void leaseMonitorLoop();
  void recoverLeaseLocked(const std::string &holder, const std::string &path);
  void onDatanodeDead(const std::string &id);
  LocatedBlock locate(const BlockRecord &rec, const LiveNodes &live) const;

  // ClientProtocol
  std::string create(Decoder &d);
  std::string addBlock(Decoder &d);
  std::string abandonBlock(Decoder &d);
  std::string complete(Decoder &d);
  std::string getBlockLocations(Decoder &d);
  std::string renewLease(Decoder &d);
  std::string remove(Decoder &d);
  std::string list(Decoder &d);
  std::string reportBadBlock(Decoder &d);
  std::string datanodeReport(Decoder &d);
  // DatanodeProtocol
  std::string registerDatanode(Decoder &d);
  std::string heartbeat(Decoder &d);
  std::string blockReport(Decoder &d);
  std::string blockReceived(Decoder &d);

  const Config cfg_;
  const std::string name_;
  std::mutex fs_lock_;
  Namespace ns_;
  BlockManager bm_;
  LeaseManager leases_;
  DatanodeManager dm_;
  ReplicationMonitor replication_;
  RpcServer rpc_;

  std::mutex monitor_mu_;
  std::condition_variable monitor_cv_;
  bool running_ = false;
  std::thread lease_monitor_;
  std::atomic<uint64_t> lease_recoveries_{0}, full_reports_{0};
};

}  // namespace minidfs
