// Shard -> owner placement with an epoch per shard. The epoch grows by one on every
// ownership change, so a request carrying an older epoch can be recognised as routed by
// a stale map. All methods take the placement lock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "wire/protocol.h"

namespace kvshard {

class PlacementTable {
 public:
  explicit PlacementTable(int numShards);

  int numShards() const { return static_cast<int>(routes_.size()); }
  bool assigned() const;
  // Round-robin assignment of every shard over `nodes`, epoch 1.
  void assignInitial(const std::vector<NodeAddress> &nodes);
  // Builds the whole table for GetMap, under the placement lock.
  PlacementMap snapshot() const;
  ShardRoute route(uint32_t shard) const;
  // New owner, epoch + 1. Returns the new epoch.
  uint64_t reassign(uint32_t shard, const NodeAddress &owner);
  std::vector<ShardAssignment> assignmentsOf(const std::string &node) const;
  std::map<std::string, int> shardCounts() const;
  // A node came back on another port.
  void updateAddress(const NodeAddress &node);
  uint64_t epochBumps() const;

 private:
  mutable std::mutex mu_;
  std::vector<ShardRoute> routes_;
  uint64_t epoch_bumps_ = 0;
};

}  // namespace kvshard
