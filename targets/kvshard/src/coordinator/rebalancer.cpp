#include "coordinator/rebalancer.h"

#include "common/log.h"

namespace kvshard {

Rebalancer::Rebalancer(const Config &cfg, NodeRegistry &registry, PlacementTable &placement)
    : cfg_(cfg), registry_(registry), placement_(placement) {}

Rebalancer::~Rebalancer() { stop(); }

void Rebalancer::start() {
  if (!cfg_.rebalance_enabled) return;
  thread_ = std::thread([this] { run(); });
}

void Rebalancer::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

void Rebalancer::run() {
  nameThread("coord");
  while (stop_.sleepFor(cfg_.rebalance_interval)) rebalanceRound();
}

// Balancing round: every live node loaded above average * (1 + threshold) gives its
// busiest shard to the least-loaded node, at most max_moves_per_round moves per round.
int Rebalancer::rebalanceRound() {
  std::lock_guard<std::mutex> lk(registry_.mu);
  int live = 0;
  double average = averageLiveLoadLocked(&live);
  if (live < 2) return 0;
  auto &nodes = registry_.nodesLocked();
  int moves = 0;
  for (auto &entry : nodes) {
    NodeInfo &node = entry.second;
    if (!node.alive) continue;
    if (static_cast<double>(node.load) > average * (1.0 + cfg_.imbalance_threshold) &&
        node.load >= static_cast<uint64_t>(cfg_.rebalance_min_load) && moves < cfg_.max_moves_per_round) {
      if (queueMoveLocked(node)) ++moves;
    }
  }
  return moves;
}

double Rebalancer::averageLiveLoadLocked(int *live) const {
  uint64_t total = 0;
  *live = 0;
  for (const auto &kv : registry_.nodesLocked()) {
    if (!kv.second.alive) continue;
    total += kv.second.load;
    ++*live;
  }
  return *live == 0 ? 0.0 : static_cast<double>(total) / *live;
}

bool Rebalancer::queueMoveLocked(NodeInfo &hot) {
  if (hot.hot_shard < 0) return false;
  uint32_t shard = static_cast<uint32_t>(hot.hot_shard);
  if (registry_.pending_moves.count(shard) != 0) return false;
  if (placement_.route(shard).owner.id != hot.addr.id) return false;
  // A node's last shard stays: moving it would only move the hot spot.
  if (placement_.assignmentsOf(hot.addr.id).size() < 2) return false;
  NodeAddress target = registry_.leastLoadedLiveLocked(hot.addr.id, placement_);
  if (target.empty()) return false;
  hot.commands.push_back(NodeCommand{CommandType::kHandoff, shard, target});
  registry_.pending_moves[shard] = target.id;
  ++moves_;
  KV_LOG(kInfo) << "rebalance: shard " << shard << " " << hot.addr.id << " (load " << hot.load << ") -> "
                << target.id;
  return true;
}

}  // namespace kvshard
