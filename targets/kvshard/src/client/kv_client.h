// Client of a kvshard cluster. Routes each key by its shard through a RoutingCache and
// retries failed operations up to max_attempts times:
//   WRONG_OWNER / STALE_EPOCH  eager: refresh the whole cache with GetMap
//                              lazy:  follow the owner hint in the error
//   TIMEOUT / connection error eager: refresh; both: retry
//   OVERLOADED                 retry
// with retry_backoff (none | exponential) between attempts. IO_ERROR and NOT_FOUND are
// final answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "client/routing_cache.h"
#include "common/config.h"
#include "rpc/channel_pool.h"

namespace kvshard {

struct ClientMetrics {
  uint64_t operations = 0;
  uint64_t attempts = 0;
  uint64_t refreshes = 0;   // GetMap calls
  uint64_t redirects = 0;   // owner hints followed
  uint64_t wrong_owner = 0;
  uint64_t timeouts = 0;    // TIMEOUT and connection errors
  uint64_t overloaded = 0;
  uint64_t failures = 0;    // operations that returned an error other than NOT_FOUND
};

class KvClient {
 public:
  KvClient(const Config &cfg, const std::string &coordHost, uint16_t coordPort);

  Status put(const std::string &key, const std::string &value);
  Status get(const std::string &key, std::string *value);
  Status del(const std::string &key);

  // Fetches the placement table from the coordinator into the cache.
  Status refreshRoutes();
  const RoutingCache &cache() const { return cache_; }
  ClientMetrics metrics() const;
  const Config &config() const { return cfg_; }

 private:
  enum class Op { kGet, kPut, kDelete };

  Status execute(Op op, const std::string &key, const std::string *value, std::string *out);
  Status callOwner(const ShardRoute &route, Op op, const std::string &key, const std::string *value,
                   std::string *out, std::string *detail);
  void repairRoute(uint32_t shard, const std::string &detail);
  void backoffBeforeRetry(int attempt);

  const Config cfg_;
  RpcChannel coordinator_;
  ChannelPool nodes_;
  RoutingCache cache_;
  std::atomic<uint64_t> operations_{0}, attempts_{0}, refreshes_{0}, redirects_{0}, wrong_owner_{0}, timeouts_{0},
      overloaded_{0}, failures_{0};
};

}  // namespace kvshard
