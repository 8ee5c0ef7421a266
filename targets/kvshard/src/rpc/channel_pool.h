// RpcChannels to peers, created on first use and kept for reuse, keyed by host:port.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/config.h"
#include "rpc/rpc_channel.h"

namespace kvshard {

inline ChannelOptions channelOptions(const Config &cfg) {
  ChannelOptions o;
  o.rpc_timeout = cfg.rpc_timeout;
  o.connect_timeout = cfg.connect_timeout;
  o.max_frame_bytes = static_cast<size_t>(cfg.max_frame_bytes);
  return o;
}

class ChannelPool {
 public:
  explicit ChannelPool(ChannelOptions opts) : opts_(opts) {}

  std::shared_ptr<RpcChannel> get(const std::string &host, uint16_t port) {
    std::lock_guard<std::mutex> lk(mu_);
    std::string key = host + ":" + std::to_string(port);
    auto &slot = channels_[key];
    if (!slot) slot = std::make_shared<RpcChannel>(host, port, opts_);
    return slot;
  }
  std::shared_ptr<RpcChannel> get(const NodeAddress &node) { return get(node.host, node.port); }

 private:
  const ChannelOptions opts_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<RpcChannel>> channels_;
};

}  // namespace kvshard
