// Every interval, timeout, limit and policy switch of a kvshard cluster. The initialisers
// are production values; forTests() shrinks the time scale so tests see many lease
// intervals per second.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"

namespace kvshard {

// How a client repairs its routing cache after WRONG_OWNER / STALE_EPOCH.
enum class RouteRefresh {
  kEager,  // fetch the whole placement table from the coordinator (GetMap)
  kLazy,   // follow the owner hint carried in the error; never ask the coordinator
};

// Pause between two attempts of one client operation.
enum class RetryBackoff {
  kNone,         // resend immediately
  kExponential,  // retry_base_backoff * 2^attempt, capped at retry_max_backoff
};

const char *routeRefreshName(RouteRefresh r);
const char *retryBackoffName(RetryBackoff b);
bool parseRouteRefresh(const std::string &s, RouteRefresh *out);
bool parseRetryBackoff(const std::string &s, RetryBackoff *out);

struct Config {
  // --- RPC ---------------------------------------------------------------------------
  int coord_handler_threads = 4;    // coordinator handler pool (GetMap and RenewLease share it)
  int node_handler_threads = 8;     // storage node handler pool
  int coord_queue_capacity = 256;   // coordinator calls queued beyond this: OVERLOADED
  int node_queue_capacity = 256;    // storage node calls queued beyond this: OVERLOADED
  Millis rpc_timeout{1000};         // SO_RCVTIMEO of a client channel
  Millis connect_timeout{1000};
  int max_frame_bytes = 8 << 20;    // larger length prefixes are malformed

  // --- Placement and leases ----------------------------------------------------------
  int num_shards = 16;
  Millis lease_duration{3000};      // a node not renewing for this long is expired
  Millis renew_interval{200};       // storage node control loop period
  int renew_attempts = 3;           // RenewLease attempts per round before giving up
  Millis renew_backoff_base{50};
  Millis renew_backoff_max{400};
  Millis liveness_interval{250};    // coordinator lease check period
  bool rebalance_enabled = true;
  Millis rebalance_interval{1000};
  double imbalance_threshold = 0.5; // move when load > average * (1 + threshold)
  int max_moves_per_round = 1;
  int rebalance_min_load = 20;      // requests/s below which a node is never "hot"

  // --- Storage -----------------------------------------------------------------------
  int handoff_batch_keys = 64;      // keys per InstallBatch during a handoff
  int max_batch_retransmits = 3;    // resends of a batch the receiver found corrupt
  // What a handoff does when a batch fails. Strict: the receiver refuses a batch it cannot
  // log, and the sender fails the whole handoff on any failed batch (the shard stays with
  // its owner). Best effort: the receiver keeps a batch it cannot log in memory and
  // acknowledges it, and the sender resends a failed batch (up to max_batch_retransmits
  // times); the receiver merges a resent batch again.
  bool handoff_strict = true;
  bool wal_fsync = false;           // fsync the write-ahead log after every append
  std::string wal_file;             // empty: <data dir>/wal.log

  // --- Client ------------------------------------------------------------------------
  RouteRefresh route_refresh = RouteRefresh::kEager;
  RetryBackoff retry_backoff = RetryBackoff::kExponential;
  int max_attempts = 6;             // attempts per client operation
  Millis retry_base_backoff{20};
  Millis retry_max_backoff{500};

  static Config forTests();

  // key=value round trip, used to hand a configuration to a node in another process.
  std::vector<std::string> toArgs() const;
  bool set(const std::string &key, const std::string &value);

  template <class Visitor>
  void visit(Visitor &&v);
};

template <class Visitor>
void Config::visit(Visitor &&v) {
  v("coord_handler_threads", coord_handler_threads);
  v("node_handler_threads", node_handler_threads);
  v("coord_queue_capacity", coord_queue_capacity);
  v("node_queue_capacity", node_queue_capacity);
  v("rpc_timeout", rpc_timeout);
  v("connect_timeout", connect_timeout);
  v("max_frame_bytes", max_frame_bytes);
  v("num_shards", num_shards);
  v("lease_duration", lease_duration);
  v("renew_interval", renew_interval);
  v("renew_attempts", renew_attempts);
  v("renew_backoff_base", renew_backoff_base);
  v("renew_backoff_max", renew_backoff_max);
  v("liveness_interval", liveness_interval);
  v("rebalance_enabled", rebalance_enabled);
  v("rebalance_interval", rebalance_interval);
  v("imbalance_threshold", imbalance_threshold);
  v("max_moves_per_round", max_moves_per_round);
  v("rebalance_min_load", rebalance_min_load);
  v("handoff_batch_keys", handoff_batch_keys);
  v("max_batch_retransmits", max_batch_retransmits);
  v("handoff_strict", handoff_strict);
  v("wal_fsync", wal_fsync);
  v("wal_file", wal_file);
  v("route_refresh", route_refresh);
  v("retry_backoff", retry_backoff);
  v("max_attempts", max_attempts);
  v("retry_base_backoff", retry_base_backoff);
  v("retry_max_backoff", retry_max_backoff);
}

}  // namespace kvshard
