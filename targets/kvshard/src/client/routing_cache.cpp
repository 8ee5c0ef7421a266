#include "client/routing_cache.h"

namespace kvshard {

bool RoutingCache::loaded() const {
  std::lock_guard<std::mutex> lk(mu_);
  return !routes_.empty();
}

uint32_t RoutingCache::numShards() const {
  std::lock_guard<std::mutex> lk(mu_);
  return static_cast<uint32_t>(routes_.size());
}

void RoutingCache::replace(const PlacementMap &map) {
  std::lock_guard<std::mutex> lk(mu_);
  routes_ = map.routes;
  ++replacements_;
}

ShardRoute RoutingCache::lookup(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  if (shard >= routes_.size()) return ShardRoute{shard, NodeAddress{}, 0};
  return routes_[shard];
}

bool RoutingCache::redirect(uint32_t shard, const NodeAddress &owner, uint64_t epoch) {
  std::lock_guard<std::mutex> lk(mu_);
  if (shard >= routes_.size()) return false;
  ShardRoute &r = routes_[shard];
  bool changed = false;
  if (!owner.empty() && !(owner == r.owner)) {
    r.owner = owner;
    changed = true;
  }
  if (epoch > r.epoch || (changed && epoch != 0)) {
    r.epoch = epoch;
    changed = true;
  }
  return changed;
}

uint64_t RoutingCache::replacements() const {
  std::lock_guard<std::mutex> lk(mu_);
  return replacements_;
}

}  // namespace kvshard
