#include "rpc/rpc_server.h"

#include "common/log.h"
#include "common/node_name.h"

namespace minidfs {

RpcServer::RpcServer(std::string node, const Config &cfg)
    : node_(std::move(node)), cfg_(cfg), queue_(static_cast<size_t>(cfg.call_queue_capacity)) {}

RpcServer::~RpcServer() { stop(); }

void RpcServer::registerHandler(uint16_t method, RpcHandler handler) {
  handlers_[method] = std::move(handler);
}

Status RpcServer::start(uint16_t port) {
  Status st = listener_.listen(port);
  if (!st.ok()) return st;
  running_ = true;
  acceptor_ = std::thread([this] { acceptLoop(); });
  for (int i = 0; i < cfg_.handler_threads; ++i) {
    handler_threads_.emplace_back([this] { handlerLoop(); });
  }
  return Status::OK();
}

void RpcServer::stop() {
  if (!running_.exchange(false)) return;
  listener_.shutdown();
  if (acceptor_.joinable()) acceptor_.join();
  listener_.close();
  {
    std::lock_guard<std::mutex> lk(readers_mu_);
    for (Reader &r : readers_) r.conn->sock.shutdownBoth();
  }
  for (;;) {
    std::list<Reader> readers;
    {
      std::lock_guard<std::mutex> lk(readers_mu_);
      readers.swap(readers_);
    }
    if (readers.empty()) break;
    for (Reader &r : readers) r.thread.join();
  }
  queue_.close();
  for (std::thread &t : handler_threads_) t.join();
  handler_threads_.clear();
}

RpcServerStats RpcServer::stats() const {
  RpcServerStats s;
  s.calls = calls_;
  s.rejected_busy = rejected_;
  s.expired = expired_;
  s.malformed = malformed_;
  s.failed = failed_;
  return s;
}

void RpcServer::acceptLoop() {
  nameThread(node_);
  while (running_) {
    Socket sock;
    Status st = listener_.accept(&sock);
    if (!st.ok()) {
      if (!running_) break;
      MINIDFS_LOG(kWarn) << "accept failed: " << st.toString();
      continue;
    }
    reapFinishedReaders();
    auto conn = std::make_shared<Connection>();
    conn->sock = std::move(sock);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lk(readers_mu_);
    if (!running_) break;
    readers_.push_back(Reader{std::thread([this, conn, done] {
                                readerLoop(conn);
                                *done = true;
                              }),
                              conn, done});
  }
}

void RpcServer::reapFinishedReaders() {
  std::lock_guard<std::mutex> lk(readers_mu_);
  for (auto it = readers_.begin(); it != readers_.end();) {
    if (*it->done) {
      it->thread.join();
      it = readers_.erase(it);
    } else {
      ++it;
    }
  }
}

void RpcServer::readerLoop(std::shared_ptr<Connection> conn) {
  nameThread(node_);
  while (running_) {
    Frame frame;
    Status st = readFrame(conn->sock, static_cast<size_t>(cfg_.max_frame_bytes), &frame);
    if (!st.ok()) {
      // A length-prefixed stream cannot be resynchronised after a bad prefix, so a
      // malformed frame costs the peer its connection, like EOF does.
      if (st.code() == Code::kBadRequest) {
        ++malformed_;
        MINIDFS_LOG(kWarn) << "dropping connection after malformed frame: " << st.toString();
      }
      break;
    }
    Frame header = frame;
    header.payload.clear();
    if (!queue_.offer(Call{conn, std::move(frame), Clock::now()})) {
      ++rejected_;
      respond(*conn, header, Code::kBusy, "call queue full");
    }
  }
  conn->sock.shutdownBoth();
}

void RpcServer::handlerLoop() {
  nameThread(node_);
  Call call;
  while (queue_.take(&call)) {
    ++calls_;
    // The caller has stopped waiting for a call this old; executing it would only spend
    // handler time that fresh calls need.
    if (elapsedSince(call.received) > cfg_.call_expiry) {
      ++expired_;
      respond(*call.conn, call.request, Code::kExpired, "call expired in queue");
      continue;
    }
    auto it = handlers_.find(call.request.type);
    if (it == handlers_.end()) {
      ++malformed_;
      respond(*call.conn, call.request, Code::kBadRequest,
              "unknown method " + std::to_string(call.request.type));
      continue;
    }
    try {
      Decoder dec(call.request.payload);
      std::string response = it->second(dec);
      respond(*call.conn, call.request, Code::kOk, std::move(response));
    } catch (const DfsError &e) {
      ++failed_;
      respond(*call.conn, call.request, e.status().code(), e.status().message());
    } catch (const ProtocolError &e) {
      ++malformed_;
      respond(*call.conn, call.request, Code::kBadRequest, e.what());
    } catch (const std::exception &e) {
      ++failed_;
      MINIDFS_LOG(kWarn) << "handler for method " << call.request.type << " failed: " << e.what();
      respond(*call.conn, call.request, Code::kError, e.what());
    }
  }
}

void RpcServer::respond(Connection &conn, const Frame &request, Code code, std::string payload) {
  Frame resp;
  resp.type = request.type;
  resp.status = static_cast<uint16_t>(code);
  resp.id = request.id;
  resp.payload = std::move(payload);
  std::lock_guard<std::mutex> lk(conn.write_mu);
  Status st = writeFrame(conn.sock, resp);
  if (!st.ok()) {
    // The client went away; its reader thread notices EOF and cleans up.
    MINIDFS_LOG(kDebug) << "response for call " << request.id << " lost: " << st.toString();
  }
}

}  // namespace minidfs
