// The coordinator's view of the storage nodes: address, lease, reported load, liveness
// and the commands waiting for each node's next lease renewal.
//
// Locking: `mu` guards everything here. Code holding `mu` may take the placement lock
// (registry before placement, never the other way round).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "wire/protocol.h"

namespace kvshard {

class PlacementTable;

struct NodeInfo {
  NodeAddress addr;
  Clock::time_point lease_expiry;
  uint64_t load = 0;          // requests/s at the last renewal
  int32_t hot_shard = -1;
  bool alive = true;
  uint64_t expirations = 0;
  std::vector<NodeCommand> commands;  // rebalance handoffs queued for the next renewal
  std::set<uint32_t> lost_shards;     // reassigned away at an expiry; streamed on return
};

class NodeRegistry {
 public:
  mutable std::mutex mu;

  // All below require `mu`.
  NodeInfo *findLocked(const std::string &id);
  NodeInfo &upsertLocked(const NodeAddress &addr);
  std::map<std::string, NodeInfo> &nodesLocked() { return nodes_; }
  const std::map<std::string, NodeInfo> &nodesLocked() const { return nodes_; }
  const NodeInfo *findLocked(const std::string &id) const;
  int liveCountLocked() const;
  // Live node with the lowest reported load, fewer shards breaking ties; empty when none.
  NodeAddress leastLoadedLiveLocked(const std::string &excluding, const PlacementTable &placement) const;

  // Rebalance moves queued but not yet reported done: shard -> target node id.
  std::map<uint32_t, std::string> pending_moves;

  static bool leaseValid(const NodeInfo &node, Clock::time_point now) { return now < node.lease_expiry; }

 private:
  std::map<std::string, NodeInfo> nodes_;
};

}  // namespace kvshard
