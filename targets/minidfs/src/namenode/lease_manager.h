// Leases of writing clients. A client holds one lease for all files it writes and renews
// it periodically; when it stops renewing, the NameNode recovers its files.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"

namespace minidfs {

class LeaseManager {
 public:
  void addPath(const std::string &holder, const std::string &path);
  void removePath(const std::string &holder, const std::string &path);
  // Returns false when the holder has no lease (expired and recovered, or never had one).
  bool renew(const std::string &holder);
  // Holders whose lease was last renewed more than `limit` ago, with their paths.
  std::vector<std::pair<std::string, std::vector<std::string>>> expired(Clock::time_point now, Millis limit) const;
  size_t size() const { return leases_.size(); }

 private:
  struct Lease {
    Clock::time_point last_renewed;
    std::set<std::string> paths;
  };
  std::map<std::string, Lease> leases_;
};

}  // namespace minidfs
