#include "coordinator/placement_table.h"

namespace kvshard {

PlacementTable::PlacementTable(int numShards) : routes_(static_cast<size_t>(numShards > 0 ? numShards : 1)) {
  for (size_t i = 0; i < routes_.size(); ++i) routes_[i].shard = static_cast<uint32_t>(i);
}

bool PlacementTable::assigned() const {
  std::lock_guard<std::mutex> lk(mu_);
  return !routes_.front().owner.empty();
}

void PlacementTable::assignInitial(const std::vector<NodeAddress> &nodes) {
  if (nodes.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  for (size_t i = 0; i < routes_.size(); ++i) {
    routes_[i].owner = nodes[i % nodes.size()];
    routes_[i].epoch = 1;
  }
}

PlacementMap PlacementTable::snapshot() const {
  std::lock_guard<std::mutex> lk(mu_);
  PlacementMap map;
  map.num_shards = static_cast<uint32_t>(routes_.size());
  map.routes.reserve(routes_.size());
  for (size_t shard = 0; shard < routes_.size(); ++shard) {
    map.routes.push_back(routes_[shard]);
  }
  return map;
}

ShardRoute PlacementTable::route(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  return shard < routes_.size() ? routes_[shard] : ShardRoute{};
}

uint64_t PlacementTable::reassign(uint32_t shard, const NodeAddress &owner) {
  std::lock_guard<std::mutex> lk(mu_);
  if (shard >= routes_.size()) return 0;
  routes_[shard].owner = owner;
  ++epoch_bumps_;
  return ++routes_[shard].epoch;
}

std::vector<ShardAssignment> PlacementTable::assignmentsOf(const std::string &node) const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<ShardAssignment> out;
  for (const ShardRoute &r : routes_) {
    if (r.owner.id == node) out.push_back(ShardAssignment{r.shard, r.epoch});
  }
  return out;
}

std::map<std::string, int> PlacementTable::shardCounts() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::map<std::string, int> counts;
  for (const ShardRoute &r : routes_) {
    if (!r.owner.empty()) ++counts[r.owner.id];
  }
  return counts;
}

void PlacementTable::updateAddress(const NodeAddress &node) {
  std::lock_guard<std::mutex> lk(mu_);
  for (ShardRoute &r : routes_) {
    if (r.owner.id == node.id) r.owner = node;
  }
}

uint64_t PlacementTable::epochBumps() const {
  std::lock_guard<std::mutex> lk(mu_);
  return epoch_bumps_;
}

}  // namespace kvshard
