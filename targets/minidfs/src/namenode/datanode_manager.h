// Registry of DataNodes: registration, heartbeats, the commands waiting for each node,
// and the heartbeat monitor thread that declares silent nodes dead.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "namenode/block_manager.h"
#include "wire/protocol.h"

namespace minidfs {

struct DatanodeDescriptor {
  DatanodeInfo info;
  bool alive = false;
  Clock::time_point last_heartbeat;
  uint32_t num_blocks = 0;
  uint64_t heartbeats = 0;
  uint64_t registrations = 0;
  std::vector<Command> pending_commands;
};

class DatanodeManager {
 public:
  // onDead runs on the monitor thread, outside this manager's lock, once per node that
  // missed its heartbeats.
  DatanodeManager(const Config &cfg, std::string node, std::function<void(const std::string &)> onDead);
  ~DatanodeManager();

  void start();
  void stop();

  void registerDatanode(const DatanodeInfo &info);
  // Records a heartbeat and moves up to `maxCommands` queued commands into `out`.
  // Returns false when the node is unknown or was declared dead: it must register again.
  bool heartbeat(const std::string &id, uint32_t numBlocks, size_t maxCommands, std::vector<Command> *out);
  bool isAlive(const std::string &id) const;
  void queueCommands(const std::string &id, std::vector<Command> cmds);
  size_t queuedCommands(const std::string &id) const;
  LiveNodes liveNodes() const;
  std::vector<DatanodeStatus> report() const;
  uint64_t deadNodeEvents() const { return dead_events_; }

 private:
  void monitorLoop();
  std::vector<std::string> checkHeartbeatsLocked(Clock::time_point now);
  bool isHeartbeatFresh(const DatanodeDescriptor &dn, Clock::time_point now) const;

  const Config cfg_;
  const std::string node_;
  std::function<void(const std::string &)> on_dead_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, DatanodeDescriptor> nodes_;
  bool running_ = false;
  std::thread monitor_;
  std::atomic<uint64_t> dead_events_{0};
};

}  // namespace minidfs
