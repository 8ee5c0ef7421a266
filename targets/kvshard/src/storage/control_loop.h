// The storage node's control thread. Every renew_interval it renews the node's lease with
// the coordinator (a bounded retry: renew_attempts attempts with exponential backoff,
// then it waits for the next interval) and then executes the returned commands inline,
// on this same thread: a HANDOFF streams a whole shard before the next renewal can run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/stop_signal.h"
#include "wire/protocol.h"

namespace kvshard {

class StorageNode;

class ControlLoop {
 public:
  ControlLoop(const Config &cfg, StorageNode &node);
  ~ControlLoop();
  void start();
  void stop();

  // Suspends the loop between rounds (a node stalled by GC or a slow disk): no renewals,
  // no handoffs, while its RPC server keeps answering.
  void pause();
  void resume();
  bool paused() const;

  uint64_t rounds() const { return rounds_; }
  uint64_t renewCalls() const { return renew_calls_; }
  uint64_t renewals() const { return renewals_; }
  uint64_t renewFailures() const { return renew_failures_; }
  uint64_t renewGiveUps() const { return give_ups_; }

 private:
  void run();
  void waitWhilePaused();
  bool renewLeaseWithRetry(RenewLeaseResponse *resp);
  void applyAssignments(const RenewLeaseResponse &resp);
  std::set<uint32_t> stopServingHandedOff(const std::vector<NodeCommand> &commands);
  void executeCommands(const std::vector<NodeCommand> &commands);

  const Config cfg_;
  StorageNode &node_;
  StopSignal stop_;
  std::thread thread_;
  mutable std::mutex pause_mu_;
  std::condition_variable pause_cv_;
  bool paused_ = false;
  std::atomic<uint64_t> rounds_{0}, renew_calls_{0}, renewals_{0}, renew_failures_{0}, give_ups_{0};
};

}  // namespace kvshard
