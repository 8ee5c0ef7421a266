// Coordinator thread moving the busiest shard off nodes whose load is well above the
// average. A move is a HANDOFF command for the current owner; the placement changes (and
// the epoch grows) only when the owner reports HandoffDone.
#pragma once

#include <atomic>
#include <thread>

#include "common/config.h"
#include "common/stop_signal.h"
#include "coordinator/node_registry.h"
#include "coordinator/placement_table.h"

namespace kvshard {

class Rebalancer {
 public:
  Rebalancer(const Config &cfg, NodeRegistry &registry, PlacementTable &placement);
  ~Rebalancer();
  void start();
  void stop();

  // One round; returns the number of moves queued.
  int rebalanceRound();
  uint64_t movesQueued() const { return moves_; }

 private:
  void run();
  double averageLiveLoadLocked(int *live) const;
  bool queueMoveLocked(NodeInfo &hot);

  const Config cfg_;
  NodeRegistry &registry_;
  PlacementTable &placement_;
  StopSignal stop_;
  std::thread thread_;
  std::atomic<uint64_t> moves_{0};
};

}  // namespace kvshard
