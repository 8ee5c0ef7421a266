// Client side of the RPC layer: one connection to one server, calls serialised on it.
// The receive timeout is SO_RCVTIMEO; after a timeout or any transport error the
// connection is closed (the late response must not be read as the next call's answer)
// and the next call reconnects.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "net/socket.h"
#include "wire/protocol.h"

namespace kvshard {

struct ChannelOptions {
  Millis rpc_timeout{1000};
  Millis connect_timeout{1000};
  size_t max_frame_bytes = 8 << 20;
};

class RpcChannel {
 public:
  RpcChannel(std::string host, uint16_t port, ChannelOptions opts);

  // One attempt. An error response comes back as its status (message from the server);
  // `detail` (if given) receives the error's detail payload.
  Status call(Method method, const std::string &request, std::string *response, std::string *detail = nullptr);
  void close();
  const std::string &host() const { return host_; }
  uint16_t port() const { return port_; }
  uint64_t connects() const { return connects_; }

 private:
  Status connectLocked();

  const std::string host_;
  const uint16_t port_;
  const ChannelOptions opts_;
  std::mutex mu_;
  TcpSocket sock_;
  uint64_t next_id_ = 1;
  std::atomic<uint64_t> connects_{0};
};

}  // namespace kvshard
