#include "rpc/rpc_client.h"

#include <thread>

#include "common/log.h"

namespace minidfs {

RpcClient::RpcClient(std::string host, uint16_t port, const Config &cfg)
    : host_(std::move(host)), port_(port), cfg_(cfg) {}

void RpcClient::close() {
  std::lock_guard<std::mutex> lk(mu_);
  sock_.close();
}

Status RpcClient::ensureConnectedLocked() {
  if (sock_.valid()) return Status::OK();
  Socket sock;
  Status st = Socket::connect(host_, port_, cfg_.rpc_timeout, &sock);
  if (!st.ok()) return st;
  sock_ = std::move(sock);
  return Status::OK();
}

Status RpcClient::call(Method method, const std::string &request, std::string *response) {
  std::lock_guard<std::mutex> lk(mu_);
  ++attempts_;
  Status st = ensureConnectedLocked();
  if (!st.ok()) return st;
  Frame req;
  req.type = static_cast<uint16_t>(method);
  req.id = next_id_++;
  req.payload = request;
  st = writeFrame(sock_, req);
  if (!st.ok()) {
    sock_.close();
    return st;
  }
  // Any failure closes the connection: after a timeout a late answer or half a frame may
  // still be in flight, and the next call must not mistake it for its own.
  Frame resp;
  st = readFrame(sock_, static_cast<size_t>(cfg_.max_frame_bytes), &resp);
  if (!st.ok()) {
    sock_.close();
    return st;
  }
  if (resp.id != req.id || resp.type != req.type) {
    sock_.close();
    return Status(Code::kBadRequest, "response does not match call " + std::to_string(req.id));
  }
  if (resp.status != static_cast<uint16_t>(Code::kOk)) {
    return Status(static_cast<Code>(resp.status), resp.payload);
  }
  if (response != nullptr) *response = std::move(resp.payload);
  return Status::OK();
}

Status RpcClient::callWithRetries(Method method, const std::string &request, std::string *response) {
  Status last;
  for (int attempt = 0; attempt <= cfg_.rpc_max_retries; ++attempt) {
    if (attempt > 0) {
      ++retries_;
      std::this_thread::sleep_for(backoffFor(attempt - 1, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
    }
    Status st = call(method, request, response);
    if (!st.ok()) {
      if (!st.retriable()) return st;
      MINIDFS_LOG(kDebug) << "rpc " << static_cast<int>(method) << " attempt " << attempt
                          << " failed: " << st.toString();
      last = st;
      continue;
    }
    return st;
  }
  return last;
}

}  // namespace minidfs
