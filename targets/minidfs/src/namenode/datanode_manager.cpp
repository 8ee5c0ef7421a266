#include "namenode/datanode_manager.h"

#include "common/log.h"
#include "common/node_name.h"

namespace minidfs {

DatanodeManager::DatanodeManager(const Config &cfg, std::string node, std::function<void(const std::string &)> onDead)
    : cfg_(cfg), node_(std::move(node)), on_dead_(std::move(onDead)) {}

DatanodeManager::~DatanodeManager() { stop(); }

void DatanodeManager::start() {
  std::lock_guard<std::mutex> lk(mu_);
  running_ = true;
  monitor_ = std::thread([this] { monitorLoop(); });
}

void DatanodeManager::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!running_) return;
    running_ = false;
    cv_.notify_all();
  }
  monitor_.join();
}

void DatanodeManager::registerDatanode(const DatanodeInfo &info) {
  std::lock_guard<std::mutex> lk(mu_);
  DatanodeDescriptor &dn = nodes_[info.id];
  dn.info = info;
  dn.alive = true;
  dn.last_heartbeat = Clock::now();
  ++dn.registrations;
  // Commands computed for the previous incarnation refer to state it may have lost.
  dn.pending_commands.clear();
  MINIDFS_LOG(kInfo) << "registered " << info.id << " at " << info.address();
}

bool DatanodeManager::heartbeat(const std::string &id, uint32_t numBlocks, size_t maxCommands,
                                std::vector<Command> *out) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = nodes_.find(id);
  if (it == nodes_.end() || !it->second.alive) return false;
  DatanodeDescriptor &dn = it->second;
  dn.last_heartbeat = Clock::now();
  dn.num_blocks = numBlocks;
  ++dn.heartbeats;
  size_t n = std::min(maxCommands, dn.pending_commands.size());
  out->insert(out->end(), dn.pending_commands.begin(), dn.pending_commands.begin() + static_cast<std::ptrdiff_t>(n));
  dn.pending_commands.erase(dn.pending_commands.begin(), dn.pending_commands.begin() + static_cast<std::ptrdiff_t>(n));
  return true;
}

bool DatanodeManager::isAlive(const std::string &id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = nodes_.find(id);
  return it != nodes_.end() && it->second.alive;
}

void DatanodeManager::queueCommands(const std::string &id, std::vector<Command> cmds) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = nodes_.find(id);
  if (it == nodes_.end() || !it->second.alive) return;
  for (Command &c : cmds) it->second.pending_commands.push_back(std::move(c));
}

size_t DatanodeManager::queuedCommands(const std::string &id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = nodes_.find(id);
  return it == nodes_.end() ? 0 : it->second.pending_commands.size();
}

LiveNodes DatanodeManager::liveNodes() const {
  std::lock_guard<std::mutex> lk(mu_);
  LiveNodes live;
  for (const auto &entry : nodes_) {
    if (entry.second.alive) live.emplace(entry.first, entry.second.info);
  }
  return live;
}

std::vector<DatanodeStatus> DatanodeManager::report() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<DatanodeStatus> out;
  for (const auto &entry : nodes_) {
    DatanodeStatus s;
    s.id = entry.first;
    s.alive = entry.second.alive;
    s.num_blocks = entry.second.num_blocks;
    s.heartbeats = entry.second.heartbeats;
    s.registrations = entry.second.registrations;
    out.push_back(s);
  }
  return out;
}

bool DatanodeManager::isHeartbeatFresh(const DatanodeDescriptor &dn, Clock::time_point now) const {
  return now - dn.last_heartbeat <= cfg_.heartbeat_expiry;
}

std::vector<std::string> DatanodeManager::checkHeartbeatsLocked(Clock::time_point now) {
  std::vector<std::string> dead;
  for (auto &entry : nodes_) {
    DatanodeDescriptor &dn = entry.second;
    if (!dn.alive) continue;
    if (!isHeartbeatFresh(dn, now)) {
      dn.alive = false;
      dn.pending_commands.clear();
      dead.push_back(entry.first);
      continue;
    }
  }
  return dead;
}

void DatanodeManager::monitorLoop() {
  nameThread(node_);
  std::unique_lock<std::mutex> lk(mu_);
  while (running_) {
    cv_.wait_for(lk, cfg_.heartbeat_check_interval);
    if (!running_) break;
    std::vector<std::string> dead = checkHeartbeatsLocked(Clock::now());
    if (dead.empty()) continue;
    lk.unlock();
    for (const std::string &id : dead) {
      ++dead_events_;
      MINIDFS_LOG(kInfo) << "datanode " << id << " missed heartbeats for " << cfg_.heartbeat_expiry.count()
                         << "ms; declaring it dead";
      on_dead_(id);
    }
    lk.lock();
  }
}

}  // namespace minidfs
