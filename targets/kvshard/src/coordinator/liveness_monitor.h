// Coordinator thread that expires nodes whose lease ran out. An expired node loses every
// shard it owns to the least-loaded live node (epoch + 1); the shards are remembered so
// that, should the node renew again (a false expiry: it was only slow), it is told to
// stream their data to the new owners.
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "common/config.h"
#include "common/stop_signal.h"
#include "coordinator/node_registry.h"
#include "coordinator/placement_table.h"

namespace kvshard {

class LivenessMonitor {
 public:
  LivenessMonitor(const Config &cfg, NodeRegistry &registry, PlacementTable &placement);
  ~LivenessMonitor();
  void start();
  void stop();

  // One pass over the registry (also called by tests directly).
  void checkLeases();
  uint64_t expirations() const { return expirations_; }
  uint64_t reassignments() const { return reassignments_; }

 private:
  void run();
  void expireNodeLocked(NodeInfo &node);
  void cancelMovesOfLocked(NodeInfo &node);
  void reassignShardsOfLocked(NodeInfo &node);

  const Config cfg_;
  NodeRegistry &registry_;
  PlacementTable &placement_;
  StopSignal stop_;
  std::thread thread_;
  std::atomic<uint64_t> expirations_{0}, reassignments_{0};
};

}  // namespace kvshard
