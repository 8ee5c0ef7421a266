// Shared helpers for the kvshard tests.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/kv_cluster.h"
#include "wire/hashing.h"

namespace kvshard {
namespace testing {

// The n-th key (n = 0, 1, ...) that hashes to `shard`.
inline std::string keyInShard(uint32_t shard, int n, int numShards = 16) {
  int found = 0;
  for (int i = 0;; ++i) {
    std::string k = "key-" + std::to_string(shard) + "-" + std::to_string(i);
    if (shardFor(k, numShards) == shard && found++ == n) return k;
  }
}

inline std::string valueFor(const std::string &key) { return "value-of-" + key; }

class ClusterTest : public ::testing::Test {
 protected:
  void startCluster(int nodes, Config cfg = Config::forTests(), ClusterMode mode = ClusterMode::kInProcess) {
    KvClusterOptions opts;
    opts.num_nodes = nodes;
    opts.config = cfg;
    opts.mode = mode;
    cluster_.reset(new KvCluster(opts));
    Status st = cluster_->start();
    // An ASSERT would return from this helper only and the test would go on without a
    // client: end the test (gtest reports the exception as a failure).
    if (!st.ok()) throw std::runtime_error("cluster did not start: " + st.toString());
    client_ = cluster_->newClient();
  }

  void TearDown() override {
    client_.reset();
    cluster_.reset();
  }

  // Writes `perShard` keys into every shard in `shards`; returns them.
  std::vector<std::string> fillShards(const std::vector<uint32_t> &shards, int perShard) {
    std::vector<std::string> keys;
    for (uint32_t s : shards) {
      for (int i = 0; i < perShard; ++i) {
        std::string k = keyInShard(s, i, cluster_->config().num_shards);
        Status st = client_->put(k, valueFor(k));
        EXPECT_TRUE(st.ok()) << k << ": " << st.toString();
        keys.push_back(k);
      }
    }
    return keys;
  }

  // Every key reads back its value (through a fresh client unless one is given).
  void expectAllReadable(const std::vector<std::string> &keys, KvClient *client = nullptr) {
    std::unique_ptr<KvClient> fresh;
    if (client == nullptr) {
      fresh = cluster_->newClient();
      client = fresh.get();
    }
    for (const std::string &k : keys) {
      std::string v;
      Status st = client->get(k, &v);
      ASSERT_TRUE(st.ok()) << k << ": " << st.toString();
      EXPECT_EQ(v, valueFor(k));
    }
  }

  std::vector<uint32_t> shardsPlacedOn(int node) {
    std::vector<uint32_t> out;
    PlacementMap map = cluster_->placement();
    for (const ShardRoute &r : map.routes) {
      if (r.owner.id == cluster_->nodeId(node)) out.push_back(r.shard);
    }
    return out;
  }

  uint64_t nodeStat(int node, const char *name) { return cluster_->nodeStats(node)[name]; }
  uint64_t coordStat(const char *name) { return cluster_->coordinatorStats()[name]; }

  std::unique_ptr<KvCluster> cluster_;
  std::unique_ptr<KvClient> client_;
};

}  // namespace testing
}  // namespace kvshard
