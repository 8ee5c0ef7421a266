#include "namenode/lease_manager.h"

namespace minidfs {

void LeaseManager::addPath(const std::string &holder, const std::string &path) {
  Lease &lease = leases_[holder];
  lease.last_renewed = Clock::now();
  lease.paths.insert(path);
}

void LeaseManager::removePath(const std::string &holder, const std::string &path) {
  auto it = leases_.find(holder);
  if (it == leases_.end()) return;
  it->second.paths.erase(path);
  if (it->second.paths.empty()) leases_.erase(it);
}

bool LeaseManager::renew(const std::string &holder) {
  auto it = leases_.find(holder);
  if (it == leases_.end()) return false;
  it->second.last_renewed = Clock::now();
  return true;
}

std::vector<std::pair<std::string, std::vector<std::string>>> LeaseManager::expired(Clock::time_point now,
                                                                                  Millis limit) const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto &entry : leases_) {
    if (now - entry.second.last_renewed > limit) {
      out.emplace_back(entry.first, std::vector<std::string>(entry.second.paths.begin(), entry.second.paths.end()));
    }
  }
  return out;
}

}  // namespace minidfs
