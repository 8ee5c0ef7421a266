// Shared helpers for the minidfs tests.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "cluster/mini_cluster.h"

namespace minidfs {
namespace testing {

// Deterministic pseudo-random bytes, so a corrupted or misplaced block shows up as a
// content mismatch.
inline std::string makeData(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = static_cast<char>(x);
  }
  return s;
}

class ClusterTest : public ::testing::Test {
 protected:
  void startCluster(int datanodes, Config cfg = Config::forTests(), ClusterMode mode = ClusterMode::kInProcess) {
    MiniClusterOptions opts;
    opts.num_datanodes = datanodes;
    opts.config = cfg;
    opts.mode = mode;
    cluster_.reset(new MiniCluster(opts));
    Status st = cluster_->start();
    // An ASSERT here would return from this helper only, and the test would go on with a
    // half-started cluster and no client (a segfault when startup timed out under an
    // injected delay): end the test instead; gtest reports the exception as a failure.
    if (!st.ok()) throw std::runtime_error("cluster did not start: " + st.toString());
    client_ = cluster_->newClient("client");
  }

  void TearDown() override {
    client_.reset();
    cluster_.reset();
  }

  // Datanodes holding the replicas of the first block of `path`.
  std::vector<std::string> holdersOfFirstBlock(const std::string &path) {
    FileLocations locs;
    std::vector<std::string> out;
    if (!client_->getBlockLocations(path, &locs).ok() || locs.blocks.empty()) return out;
    for (const DatanodeInfo &dn : locs.blocks[0].locations) out.push_back(dn.id);
    return out;
  }

  // Waits until the first block of `path` has `expected` replicas, then returns them.
  std::vector<std::string> replicaHolders(const std::string &path, size_t expected = 2) {
    cluster_->waitForReplication(path, expected, Millis(2000));
    return holdersOfFirstBlock(path);
  }

  int indexOf(const std::string &dnName) { return std::stoi(dnName.substr(2)) - 1; }

  std::unique_ptr<MiniCluster> cluster_;
  std::unique_ptr<DFSClient> client_;
};

}  // namespace testing
}  // namespace minidfs
