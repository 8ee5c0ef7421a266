#include "namenode/replication_monitor.h"

#include "common/log.h"
#include "common/node_name.h"

namespace minidfs {

void ReplicationMonitor::start() {
  std::lock_guard<std::mutex> lk(mu_);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void ReplicationMonitor::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!running_) return;
    running_ = false;
    cv_.notify_all();
  }
  thread_.join();
}

uint64_t ReplicationMonitor::scheduledTransfers() const {
  std::lock_guard<std::mutex> lk(mu_);
  return scheduled_;
}

void ReplicationMonitor::run() {
  nameThread(node_);
  std::unique_lock<std::mutex> lk(mu_);
  while (running_) {
    cv_.wait_for(lk, cfg_.replication_interval);
    if (!running_) break;
    lk.unlock();
    computeOnce();
    lk.lock();
  }
}

void ReplicationMonitor::computeOnce() {
  LiveNodes live = dm_.liveNodes();
  std::map<std::string, std::vector<Command>> work;
  size_t timedOut = 0;
  {
    std::lock_guard<std::mutex> fs(fs_lock_);
    timedOut = bm_.processPendingTimeouts(Clock::now());
    work = bm_.computeReplicationWork(live, cfg_.max_transfers_per_heartbeat);
  }
  if (timedOut > 0) {
    MINIDFS_LOG(kInfo) << timedOut << " replications timed out; rescheduling";
  }
  size_t n = 0;
  for (auto &entry : work) {
    n += entry.second.size();
    dm_.queueCommands(entry.first, std::move(entry.second));
  }
  std::lock_guard<std::mutex> lk(mu_);
  scheduled_ += n;
}

}  // namespace minidfs
