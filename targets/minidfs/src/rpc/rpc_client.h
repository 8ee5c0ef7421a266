// RPC client for one server address. Calls on one client are serialised over a single
// connection, which is reopened after any transport error.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/config.h"
#include "net/socket.h"
#include "wire/protocol.h"

namespace minidfs {

class RpcClient {
 public:
  RpcClient(std::string host, uint16_t port, const Config &cfg);

  // One attempt. Error responses come back as their status; the response payload of an
  // error carries the server's message.
  Status call(Method method, const std::string &request, std::string *response);
  // Retries retriable failures (BUSY, EXPIRED, TIMEOUT, UNAVAILABLE) with exponential
  // backoff, up to cfg.rpc_max_retries extra attempts.
  Status callWithRetries(Method method, const std::string &request, std::string *response);
  void close();

  uint64_t attempts() const { return attempts_; }
  uint64_t retries() const { return retries_; }

 private:
  Status ensureConnectedLocked();

  const std::string host_;
  const uint16_t port_;
  const Config cfg_;
  std::mutex mu_;
  Socket sock_;
  uint64_t next_id_ = 1;
  std::atomic<uint64_t> attempts_{0}, retries_{0};
};

}  // namespace minidfs
