// The placement service. One RpcServer whose single handler pool serves every method:
// GetMap (clients refreshing routing caches) competes with RenewLease (storage nodes
// keeping their leases) for the same threads, and a lease is recorded only when its
// handler runs.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/config.h"
#include "coordinator/liveness_monitor.h"
#include "coordinator/node_registry.h"
#include "coordinator/placement_table.h"
#include "coordinator/rebalancer.h"
#include "rpc/rpc_server.h"

namespace kvshard {

class Coordinator {
 public:
  // Shards are first assigned once `initialNodes` nodes have registered.
  Coordinator(const Config &cfg, int initialNodes);
  ~Coordinator();
  Coordinator(const Coordinator &) = delete;
  Coordinator &operator=(const Coordinator &) = delete;

  Status start(uint16_t port = 0);
  void stop();
  uint16_t port() const { return server_.port(); }

  StatsMap stats() const;
  PlacementMap placement() const { return placement_.snapshot(); }
  bool nodeAlive(const std::string &id) const;
  // Operator request: move `shard` to node `target` (queued like a rebalance move: a
  // HANDOFF for the current owner at its next renewal). False if not possible now.
  bool requestMove(uint32_t shard, const std::string &target);
  // Makes every GetMap take at least `d` of a handler thread (a huge placement table).
  void setGetMapDelay(Millis d) { get_map_delay_ms_ = d.count(); }

 private:
  std::string onRegisterNode(Reader &d);
  std::string onRenewLease(Reader &d);
  std::string onGetMap(Reader &d);
  std::string onHandoffDone(Reader &d);
  std::string onStats(Reader &d);
  void maybeAssignInitialLocked();
  std::vector<NodeCommand> takeCommandsLocked(NodeInfo &node);

  const Config cfg_;
  const int initial_nodes_;
  NodeRegistry registry_;
  PlacementTable placement_;
  LivenessMonitor liveness_;
  Rebalancer rebalancer_;
  RpcServer server_;
  bool started_ = false;
  std::atomic<int64_t> get_map_delay_ms_{0};
  std::atomic<uint64_t> registrations_{0}, renewals_{0}, readmissions_{0}, get_maps_{0}, handoffs_done_{0};
};

}  // namespace kvshard
