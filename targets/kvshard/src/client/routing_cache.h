// A client's copy of the placement table: shard -> (owner, epoch). Replaced wholesale by
// a GetMap answer (eager refresh) or patched one shard at a time from owner hints (lazy).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "wire/protocol.h"

namespace kvshard {

class RoutingCache {
 public:
  bool loaded() const;
  uint32_t numShards() const;
  void replace(const PlacementMap &map);
  // Route of `shard`; an empty owner when unknown.
  ShardRoute lookup(uint32_t shard) const;
  // Points `shard` at `owner` (keeping the cached owner when the hint names none) at
  // `epoch`. Returns false when the hint carries nothing new.
  bool redirect(uint32_t shard, const NodeAddress &owner, uint64_t epoch);
  uint64_t replacements() const;

 private:
  mutable std::mutex mu_;
  std::vector<ShardRoute> routes_;
  uint64_t replacements_ = 0;
};

}  // namespace kvshard
