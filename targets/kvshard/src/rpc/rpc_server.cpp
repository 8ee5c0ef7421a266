#include "rpc/rpc_server.h"

#include "common/log.h"

namespace kvshard {

RpcServer::RpcServer(RpcServerOptions opts) : opts_(std::move(opts)), queue_(opts_.queue_capacity) {}

RpcServer::~RpcServer() { stop(); }

void RpcServer::handle(Method method, RpcHandler handler) {
  handlers_[static_cast<uint16_t>(method)] = std::move(handler);
}

Status RpcServer::start(uint16_t port) {
  if (Status st = listener_.bindAndListen(port); !st.ok()) return st;
  running_ = true;
  // Handlers first: the first accepted connection may queue calls right away.
  for (int n = opts_.handler_threads; n > 0; --n) handlers_pool_.emplace_back(&RpcServer::handlerLoop, this);
  acceptor_ = std::thread(&RpcServer::acceptLoop, this);
  return Status::OK();
}

// Stops in the order work flows: connections, then calls, then the queued work.
void RpcServer::stop() {
  if (!running_.exchange(false)) return;
  listener_.shutdown();  // wakes accept(); acceptLoop then sees !running_
  std::thread acceptor = std::move(acceptor_);
  if (acceptor.joinable()) acceptor.join();
  listener_.close();
  std::map<uint64_t, ConnectionThread> live;
  {
    std::lock_guard<std::mutex> lk(conns_mu_);
    live.swap(conns_);
    exited_.clear();
  }
  for (auto &entry : live) entry.second.conn->sock.shutdown();
  for (auto &entry : live) entry.second.thread.join();
  queue_.close();  // handlers finish what is queued, then pop() returns false
  std::vector<std::thread> pool;
  pool.swap(handlers_pool_);
  for (std::thread &t : pool) t.join();
}

// Counters are read one by one: a snapshot taken under load need not be consistent.
RpcServerStats RpcServer::stats() const {
  return RpcServerStats{calls_.load(std::memory_order_relaxed), overloaded_.load(std::memory_order_relaxed),
                        errors_.load(std::memory_order_relaxed), malformed_.load(std::memory_order_relaxed)};
}

// Acceptor thread: one reader thread per accepted connection. Returns when stop() shuts
// the listener down.
void RpcServer::acceptLoop() {
  nameThread(opts_.node);
  for (;;) {
    TcpSocket sock;
    Status st = listener_.accept(&sock);
    if (!running_) return;
    if (st.ok()) {
      if (!spawnReader(std::move(sock))) return;
    } else {
      KV_LOG(kWarn) << "accept: " << st.toString();
    }
  }
}

// Gives a new connection its reader thread; false once the server is stopping. The
// reader records its own exit in exited_, and the next accepted connection joins it.
bool RpcServer::spawnReader(TcpSocket sock) {
  auto conn = std::make_shared<Connection>();
  conn->sock = std::move(sock);
  std::lock_guard<std::mutex> lk(conns_mu_);
  reapExitedLocked();
  if (!running_) return false;
  uint64_t id = next_conn_++;
  std::thread reader([this, conn, id] {
    connectionLoop(conn);
    std::lock_guard<std::mutex> exitLk(conns_mu_);
    exited_.push_back(id);
  });
  conns_.emplace(id, ConnectionThread{conn, std::move(reader)});
  return true;
}

void RpcServer::reapExitedLocked() {
  for (uint64_t id : exited_) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    it->second.thread.join();  // already past its last use of conns_mu_
    conns_.erase(it);
  }
  exited_.clear();
}

// Reads frames off one connection into the call queue; a full queue is answered at once
// with OVERLOADED instead of queueing more work.
void RpcServer::connectionLoop(const std::shared_ptr<Connection> &conn) {
  nameThread(opts_.node);
  Frame frame;
  while (running_ && readRequest(*conn, &frame)) {
    const uint16_t method = frame.method;
    const uint64_t id = frame.id;
    if (queue_.tryPush(Call{conn, std::move(frame)})) continue;
    ++overloaded_;
    reply(*conn, method, id, Code::kOverloaded, encodeErrorPayload("call queue full", ""));
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

// One request frame; false ends the connection: EOF, a socket error, or a malformed
// frame (a length-prefixed stream cannot be resynchronised after one).
bool RpcServer::readRequest(Connection &conn, Frame *frame) {
  Status st = recvFrame(conn.sock, opts_.max_frame_bytes, frame);
  if (st.code() == Code::kBadRequest) {
    ++malformed_;
    KV_LOG(kWarn) << "closing connection after malformed frame: " << st.toString();
    return false;
  }
  if (!st.ok()) return false;
  if (frame->kind == FrameKind::kRequest) return true;
  ++malformed_;  // a response sent to a server
  return false;
}

void RpcServer::dispatch(Call &call) {
  ++calls_;
  const Frame &req = call.request;
  auto it = handlers_.find(req.method);
  if (it == handlers_.end()) {
    ++malformed_;
    reply(*call.conn, req.method, req.id, Code::kBadRequest,
          encodeErrorPayload("unknown method " + std::to_string(req.method), ""));
    return;
  }
  Code code = Code::kOk;
  std::string payload;
  try {
    Reader args(req.payload);
    payload = it->second(args);
  } catch (const KvError &e) {
    ++errors_;
    code = e.code();
    payload = encodeErrorPayload(e.what(), e.detail());
  } catch (const ProtocolError &e) {
    ++malformed_;
    code = Code::kBadRequest;
    payload = encodeErrorPayload(e.what(), "");
  } catch (const std::exception &e) {
    ++errors_;
    KV_LOG(kWarn) << methodName(static_cast<Method>(req.method)) << " failed: " << e.what();
    code = Code::kInternal;
    payload = encodeErrorPayload(e.what(), "");
  }
  reply(*call.conn, req.method, req.id, code, std::move(payload));
}

void RpcServer::reply(Connection &conn, uint16_t method, uint64_t id, Code code, std::string payload) {
  Frame resp;
  resp.kind = FrameKind::kResponse;
  resp.method = method;
  resp.status = static_cast<uint16_t>(code);
  resp.id = id;
  resp.payload = std::move(payload);
  std::lock_guard<std::mutex> lk(conn.write_mu);
  Status st = sendFrame(conn.sock, resp);
  if (!st.ok()) {
    KV_LOG(kDebug) << "response to call " << id << " lost: " << st.toString();
  }
}

}  // namespace kvshard
