// Every timeout, interval and limit of the cluster. Production defaults are in the
// initialisers; forTests() shortens the time scale so tests observe several heartbeat
// intervals within a second.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/clock.h"

namespace minidfs {

struct Config {
  // --- RPC ---------------------------------------------------------------------------
  int handler_threads = 4;               // NameNode handler threads draining the call queue
  int call_queue_capacity = 128;         // calls beyond this are rejected with BUSY
  Millis call_expiry{4000};              // a queued call older than this is dropped
  Millis rpc_timeout{2000};              // client-side wait for one RPC answer
  int rpc_max_retries = 4;               // client retries of retriable RPC failures
  Millis retry_base_backoff{50};
  Millis retry_max_backoff{1000};
  int max_frame_bytes = 16 << 20;        // larger frames are treated as malformed

  // --- DataNode <-> NameNode ---------------------------------------------------------
  Millis heartbeat_interval{1000};
  Millis heartbeat_expiry{10000};        // no heartbeat for this long: DataNode is dead
  Millis heartbeat_check_interval{1000};
  Millis full_report_interval{60000};
  int max_transfers_per_heartbeat = 4;   // replication commands handed out per heartbeat

  // --- Replication -------------------------------------------------------------------
  int default_replication = 3;
  int min_replication = 1;               // replicas needed before a file can be closed
  Millis replication_interval{1000};
  Millis pending_replication_timeout{10000};

  // --- Leases ------------------------------------------------------------------------
  Millis lease_renew_interval{1000};
  Millis lease_hard_limit{20000};        // lease not renewed for this long: recover it
  Millis lease_check_interval{1000};

  // --- Data path ---------------------------------------------------------------------
  int block_size = 1 << 20;
  int packet_size = 64 << 10;
  int chunk_size = 4 << 10;              // checksum granularity
  Millis socket_timeout{3000};           // data transfer read/write timeout
  int write_attempts = 4;                // pipeline attempts per block
  int complete_attempts = 10;            // polls of complete() while the last block is reported
  int read_rounds = 3;                   // rounds over all replicas before a read fails

  // Pipeline failure policy. true: a DataNode aborts the pipeline as soon as its
  // downstream fails and the client replaces the failed pipeline with fresh nodes
  // (latency first). false: DataNodes keep writing locally when a downstream fails
  // (re-replication repairs the missing copy later) and the client retries the same
  // block on the surviving nodes, which keep what they already hold.
  bool fast_failover = true;

  static Config forTests();

  // key=value round trip, used to hand a configuration to a node in another process.
  std::vector<std::string> toArgs() const;
  bool set(const std::string &key, const std::string &value);

  template <class Visitor>
  void visit(Visitor &&v);
};

template <class Visitor>
void Config::visit(Visitor &&v) {
  v("handler_threads", handler_threads);
  v("call_queue_capacity", call_queue_capacity);
  v("call_expiry", call_expiry);
  v("rpc_timeout", rpc_timeout);
  v("rpc_max_retries", rpc_max_retries);
  v("retry_base_backoff", retry_base_backoff);
  v("retry_max_backoff", retry_max_backoff);
  v("max_frame_bytes", max_frame_bytes);
  v("heartbeat_interval", heartbeat_interval);
  v("heartbeat_expiry", heartbeat_expiry);
  v("heartbeat_check_interval", heartbeat_check_interval);
  v("full_report_interval", full_report_interval);
  v("max_transfers_per_heartbeat", max_transfers_per_heartbeat);
  v("default_replication", default_replication);
  v("min_replication", min_replication);
  v("replication_interval", replication_interval);
  v("pending_replication_timeout", pending_replication_timeout);
  v("lease_renew_interval", lease_renew_interval);
  v("lease_hard_limit", lease_hard_limit);
  v("lease_check_interval", lease_check_interval);
  v("block_size", block_size);
  v("packet_size", packet_size);
  v("chunk_size", chunk_size);
  v("socket_timeout", socket_timeout);
  v("write_attempts", write_attempts);
  v("complete_attempts", complete_attempts);
  v("read_rounds", read_rounds);
  v("fast_failover", fast_failover);
}

}  // namespace minidfs
