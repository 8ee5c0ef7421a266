// One storage node: an RpcServer serving Get/Put/Delete (each validates shard ownership
// first) and the handoff receiver side (InstallBatch, ShardReady); a ShardStore with its
// WAL; a ControlLoop keeping the lease and executing coordinator commands.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "rpc/channel_pool.h"
#include "rpc/rpc_server.h"
#include "storage/control_loop.h"
#include "storage/shard_mover.h"
#include "storage/shard_store.h"

namespace kvshard {

class StorageNode {
 public:
  StorageNode(const Config &cfg, std::string id, std::string dataDir, std::string coordHost, uint16_t coordPort);
  ~StorageNode();
  StorageNode(const StorageNode &) = delete;
  StorageNode &operator=(const StorageNode &) = delete;

  // Opens the WAL, starts serving on `port` (0: ephemeral), registers with the
  // coordinator and starts the control loop.
  Status start(uint16_t port = 0);
  void stop();

  const std::string &id() const { return id_; }
  uint16_t port() const { return server_.port(); }
  NodeAddress address() const { return NodeAddress{id_, "127.0.0.1", server_.port()}; }
  StatsMap stats() const;

  ShardStore &store() { return store_; }
  ShardMover &mover() { return mover_; }
  ControlLoop &controlLoop() { return control_; }
  RpcChannel &coordinator() { return coordinator_; }

  // Adds a fixed delay to every Get/Put/Delete (a slow disk, a long GC pause).
  void setHandlerDelay(Millis d) { handler_delay_ms_ = d.count(); }
  bool leaseHeld() const;

  // Used by the control loop.
  Status registerWithCoordinator();
  void extendLease(Clock::time_point until);
  RenewLeaseRequest loadReport();

 private:
  std::string onGet(Reader &d);
  std::string onPut(Reader &d);
  std::string onDelete(Reader &d);
  std::string onInstallBatch(Reader &d);
  std::string onShardReady(Reader &d);
  std::string onStats(Reader &d);
  // Counts the request for the load report, applies the configured delay, and throws
  // WrongOwnerError unless this node may serve the shard.
  void admit(uint32_t shard, uint64_t epoch);

  const Config cfg_;
  const std::string id_;
  const std::string data_dir_;
  ShardStore store_;
  RpcServer server_;
  RpcChannel coordinator_;
  ChannelPool peers_;
  ShardMover mover_;
  ControlLoop control_;
  bool started_ = false;

  std::atomic<int64_t> lease_until_ns_{0};
  std::atomic<int64_t> handler_delay_ms_{0};
  std::atomic<uint64_t> requests_{0}, wrong_owner_{0}, gets_{0}, puts_{0}, deletes_{0}, io_errors_{0};
  std::atomic<uint64_t> batches_installed_{0}, corrupt_batches_{0}, stale_entries_{0}, unlogged_entries_{0},
      registrations_{0};
  std::unique_ptr<std::atomic<uint64_t>[]> shard_requests_;
  // Load accounting between two renewals (control thread only).
  uint64_t last_requests_ = 0;
  std::vector<uint64_t> last_shard_requests_;
  Clock::time_point last_report_ = Clock::now();
};

}  // namespace kvshard
