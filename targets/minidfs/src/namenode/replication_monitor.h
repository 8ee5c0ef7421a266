// Background thread that periodically turns under-replicated blocks into transfer
// commands and re-queues transfers that did not complete in time.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/config.h"
#include "namenode/block_manager.h"
#include "namenode/datanode_manager.h"

namespace minidfs {

class ReplicationMonitor {
 public:
  ReplicationMonitor(const Config &cfg, std::string node, std::mutex &fsLock, BlockManager &bm, DatanodeManager &dm)
      : cfg_(cfg), node_(std::move(node)), fs_lock_(fsLock), bm_(bm), dm_(dm) {}
  ~ReplicationMonitor() { stop(); }

  void start();
  void stop();
  uint64_t scheduledTransfers() const;

 private:
  void run();
  void computeOnce();

  const Config cfg_;
  const std::string node_;
  std::mutex &fs_lock_;
  BlockManager &bm_;
  DatanodeManager &dm_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  std::thread thread_;
  uint64_t scheduled_ = 0;
};

}  // namespace minidfs
