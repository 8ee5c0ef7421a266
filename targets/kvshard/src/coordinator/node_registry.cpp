#include "coordinator/node_registry.h"

#include "coordinator/placement_table.h"

namespace kvshard {

NodeInfo *NodeRegistry::findLocked(const std::string &id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

const NodeInfo *NodeRegistry::findLocked(const std::string &id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

NodeInfo &NodeRegistry::upsertLocked(const NodeAddress &addr) {
  NodeInfo &n = nodes_[addr.id];
  n.addr = addr;
  return n;
}

int NodeRegistry::liveCountLocked() const {
  int n = 0;
  for (const auto &kv : nodes_) n += kv.second.alive ? 1 : 0;
  return n;
}

NodeAddress NodeRegistry::leastLoadedLiveLocked(const std::string &excluding, const PlacementTable &placement) const {
  std::map<std::string, int> shards = placement.shardCounts();
  const NodeInfo *best = nullptr;
  for (const auto &kv : nodes_) {
    const NodeInfo &n = kv.second;
    if (!n.alive || n.addr.id == excluding) continue;
    if (best == nullptr || n.load < best->load ||
        (n.load == best->load && shards[n.addr.id] < shards[best->addr.id])) {
      best = &n;
    }
  }
  return best == nullptr ? NodeAddress{} : best->addr;
}

}  // namespace kvshard
