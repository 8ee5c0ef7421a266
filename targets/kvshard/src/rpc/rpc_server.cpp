#include "rpc/rpc_server.h"

#include "common/log.h"

namespace kvshard {

RpcServer::RpcServer(RpcServerOptions opts) : opts_(std::move(opts)), queue_(opts_.queue_capacity) {}

RpcServer::~RpcServer() { stop(); }

void RpcServer::handle(Method method, RpcHandler handler) {
  handlers_[static_cast<uint16_t>(method)] = std::move(handler);
}

Status RpcServer::start(uint16_t port) {
  Status st = listener_.bindAndListen(port);
  if (!st.ok()) return st;
  running_ = true;
  acceptor_ = std::thread([this] { acceptLoop(); });
  for (int i = 0; i < opts_.handler_threads; ++i) handlers_pool_.emplace_back([this] { handlerLoop(); });
  return Status::OK();
}

void RpcServer::stop() {
  if (!running_.exchange(false)) return;
  listener_.shutdown();
  if (acceptor_.joinable()) acceptor_.join();
  listener_.close();
  std::list<ReaderThread> readers;
  {
    std::lock_guard<std::mutex> lk(readers_mu_);
    readers.swap(readers_);
  }
  for (ReaderThread &r : readers) r.conn->sock.shutdown();
  for (ReaderThread &r : readers) r.thread.join();
  queue_.close();
  for (std::thread &t : handlers_pool_) t.join();
  handlers_pool_.clear();
}

RpcServerStats RpcServer::stats() const {
  RpcServerStats s;
  s.calls = calls_;
  s.overloaded = overloaded_;
  s.errors = errors_;
  s.malformed = malformed_;
  return s;
}

void RpcServer::acceptLoop() {
  nameThread(opts_.node);
  while (running_) {
    TcpSocket sock;
    Status st = listener_.accept(&sock);
    if (!st.ok()) {
      if (!running_) break;
      KV_LOG(kWarn) << "accept: " << st.toString();
      continue;
    }
    joinFinishedReaders();
    auto conn = std::make_shared<Connection>();
    conn->sock = std::move(sock);
    auto finished = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lk(readers_mu_);
    if (!running_) break;
    readers_.push_back(ReaderThread{std::thread([this, conn, finished] {
                                      connectionLoop(conn);
                                      *finished = true;
                                    }),
                                    conn, finished});
  }
}

void RpcServer::joinFinishedReaders() {
  std::lock_guard<std::mutex> lk(readers_mu_);
  for (auto it = readers_.begin(); it != readers_.end();) {
    if (*it->finished) {
      it->thread.join();
      it = readers_.erase(it);
    } else {
      ++it;
    }
  }
}

// Reads frames off one connection into the call queue; a full queue is answered at once
// with OVERLOADED instead of queueing more work.
void RpcServer::connectionLoop(const std::shared_ptr<Connection> &conn) {
  nameThread(opts_.node);
  while (running_) {
    Frame frame;
    Status st = recvFrame(conn->sock, opts_.max_frame_bytes, &frame);
    if (!st.ok()) {
      // A stream with a bad length prefix cannot be resynchronised: drop the connection.
      if (st.code() == Code::kBadRequest) {
        ++malformed_;
        KV_LOG(kWarn) << "closing connection after malformed frame: " << st.toString();
      }
      break;
    }
    if (frame.kind != FrameKind::kRequest) {
      ++malformed_;
      break;
    }
    Frame header = frame;
    header.payload.clear();
    if (!queue_.tryPush(Call{conn, std::move(frame)})) {
      ++overloaded_;
      reply(*conn, header, Code::kOverloaded, encodeErrorPayload("call queue full", ""));
    }
  }
  conn->sock.shutdown();
}

// Handler thread: drains the shared call queue. Every method of the server (on the
// coordinator: GetMap and RenewLease alike) competes for these threads.
void RpcServer::handlerLoop() {
  nameThread(opts_.node);
  while (running_) {
    Call call;
    if (!queue_.pop(&call)) break;
    dispatch(call);
  }
}

void RpcServer::dispatch(Call &call) {
  ++calls_;
  auto it = handlers_.find(call.request.method);
  if (it == handlers_.end()) {
    ++malformed_;
    reply(*call.conn, call.request, Code::kBadRequest,
          encodeErrorPayload("unknown method " + std::to_string(call.request.method), ""));
    return;
  }
  try {
    Reader dec(call.request.payload);
    std::string response = it->second(dec);
    reply(*call.conn, call.request, Code::kOk, std::move(response));
  } catch (const KvError &e) {
    ++errors_;
    reply(*call.conn, call.request, e.code(), encodeErrorPayload(e.what(), e.detail()));
  } catch (const ProtocolError &e) {
    ++malformed_;
    reply(*call.conn, call.request, Code::kBadRequest, encodeErrorPayload(e.what(), ""));
  } catch (const std::exception &e) {
    ++errors_;
    KV_LOG(kWarn) << methodName(static_cast<Method>(call.request.method)) << " failed: " << e.what();
    reply(*call.conn, call.request, Code::kInternal, encodeErrorPayload(e.what(), ""));
  }
}

void RpcServer::reply(Connection &conn, const Frame &request, Code code, std::string payload) {
  Frame resp;
  resp.kind = FrameKind::kResponse;
  resp.method = request.method;
  resp.status = static_cast<uint16_t>(code);
  resp.id = request.id;
  resp.payload = std::move(payload);
  std::lock_guard<std::mutex> lk(conn.write_mu);
  Status st = sendFrame(conn.sock, resp);
  if (!st.ok()) {
    KV_LOG(kDebug) << "response to call " << request.id << " lost: " << st.toString();
  }
}

}  // namespace kvshard
