#include "rpc/rpc_channel.h"

namespace kvshard {

RpcChannel::RpcChannel(std::string host, uint16_t port, ChannelOptions opts)
    : host_(std::move(host)), port_(port), opts_(opts) {}

Status RpcChannel::connectLocked() {
  if (sock_.open()) return Status::OK();
  TcpSocket s;
  Status st = TcpSocket::connectTo(host_, port_, opts_.connect_timeout, &s);
  if (!st.ok()) return st;
  st = s.setRecvTimeout(opts_.rpc_timeout);
  if (!st.ok()) return st;
  st = s.setSendTimeout(opts_.rpc_timeout);
  if (!st.ok()) return st;
  sock_ = std::move(s);
  ++connects_;
  return Status::OK();
}

Status RpcChannel::call(Method method, const std::string &request, std::string *response, std::string *detail) {
  std::lock_guard<std::mutex> lk(mu_);
  Status st = connectLocked();
  if (!st.ok()) return st;
  Frame req;
  req.kind = FrameKind::kRequest;
  req.method = static_cast<uint16_t>(method);
  req.id = next_id_++;
  req.payload = request;
  st = sendFrame(sock_, req);
  Frame resp;
  if (st.ok()) st = recvFrame(sock_, opts_.max_frame_bytes, &resp);
  if (st.ok() && (resp.id != req.id || resp.kind != FrameKind::kResponse)) {
    st = Status(Code::kBadRequest, "response does not match call " + std::to_string(req.id));
  }
  if (!st.ok()) {
    sock_.close();
    return st;
  }
  Code code = static_cast<Code>(resp.status);
  if (code == Code::kOk) {
    if (response != nullptr) *response = std::move(resp.payload);
    return Status::OK();
  }
  std::string message, errDetail;
  try {
    decodeErrorPayload(resp.payload, &message, &errDetail);
  } catch (const ProtocolError &e) {
    message = std::string("undecodable error payload: ") + e.what();
  }
  if (detail != nullptr) *detail = std::move(errDetail);
  return Status(code, message);
}

void RpcChannel::close() {
  std::lock_guard<std::mutex> lk(mu_);
  sock_.close();
}

}  // namespace kvshard
