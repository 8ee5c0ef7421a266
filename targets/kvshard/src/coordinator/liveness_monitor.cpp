#include "coordinator/liveness_monitor.h"

#include <vector>

#include "common/log.h"

namespace kvshard {

LivenessMonitor::LivenessMonitor(const Config &cfg, NodeRegistry &registry, PlacementTable &placement)
    : cfg_(cfg), registry_(registry), placement_(placement) {}

LivenessMonitor::~LivenessMonitor() { stop(); }

void LivenessMonitor::start() { thread_ = std::thread([this] { run(); }); }

void LivenessMonitor::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

void LivenessMonitor::run() {
  nameThread("coord");
  while (stop_.sleepFor(cfg_.liveness_interval)) checkLeases();
}

// Lease check: under the registry lock, every live node whose lease has run out is
// declared expired.
void LivenessMonitor::checkLeases() {
  std::lock_guard<std::mutex> lk(registry_.mu);
  Clock::time_point now = Clock::now();
  for (auto &entry : registry_.nodesLocked()) {
    NodeInfo &node = entry.second;
    if (node.alive && !NodeRegistry::leaseValid(node, now)) {
      expireNodeLocked(node);
    }
  }
}

void LivenessMonitor::expireNodeLocked(NodeInfo &node) {
  node.alive = false;
  ++node.expirations;
  ++expirations_;
  KV_LOG(kInfo) << "lease of " << node.addr.id << " expired";
  cancelMovesOfLocked(node);
  reassignShardsOfLocked(node);
}

// Rebalance moves out of an expired node will never be reported done.
void LivenessMonitor::cancelMovesOfLocked(NodeInfo &node) {
  node.commands.clear();
  for (auto it = registry_.pending_moves.begin(); it != registry_.pending_moves.end();) {
    if (placement_.route(it->first).owner.id == node.addr.id) {
      it = registry_.pending_moves.erase(it);
    } else {
      ++it;
    }
  }
}

// Every shard of the expired node goes to the least-loaded live node, with a new epoch.
// The node keeps a HANDOFF for each (delivered when it renews again).
void LivenessMonitor::reassignShardsOfLocked(NodeInfo &node) {
  std::vector<ShardAssignment> owned = placement_.assignmentsOf(node.addr.id);
  for (const ShardAssignment &a : owned) {
    NodeAddress target = registry_.leastLoadedLiveLocked(node.addr.id, placement_);
    if (target.empty()) break;  // nobody to take it: the shard waits for its owner
    uint64_t epoch = placement_.reassign(a.shard, target);
    node.lost_shards.insert(a.shard);
    ++reassignments_;
    KV_LOG(kInfo) << "shard " << a.shard << " of expired " << node.addr.id << " -> " << target.id << " epoch "
                  << epoch;
  }
}

}  // namespace kvshard
