// RPC server: one acceptor thread, one reader thread per connection that parses frames
// into a bounded call queue, and a fixed pool of handler threads draining the queue.
// Handlers decode their request and return the encoded response; they report failures by
// throwing KvError (answered with its status code) or ProtocolError (BAD_REQUEST).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "net/socket.h"
#include "rpc/call_queue.h"
#include "wire/protocol.h"

namespace kvshard {

using RpcHandler = std::function<std::string(Reader &)>;

struct RpcServerOptions {
  std::string node;            // thread name of every server thread
  int handler_threads = 4;
  size_t queue_capacity = 64;
  size_t max_frame_bytes = 8 << 20;
};

struct RpcServerStats {
  uint64_t calls = 0;       // calls dispatched to a handler
  uint64_t overloaded = 0;  // calls refused because the queue was full
  uint64_t errors = 0;      // calls answered with an error status
  uint64_t malformed = 0;   // bad frames and undecodable requests
};

class RpcServer {
 public:
  explicit RpcServer(RpcServerOptions opts);
  ~RpcServer();
  RpcServer(const RpcServer &) = delete;
  RpcServer &operator=(const RpcServer &) = delete;

  // Register before start().
  void handle(Method method, RpcHandler handler);
  Status start(uint16_t port);
  void stop();
  uint16_t port() const { return listener_.port(); }
  RpcServerStats stats() const;
  size_t queueDepth() const { return queue_.depth(); }

 private:
  struct Connection {
    TcpSocket sock;
    std::mutex write_mu;
  };
  struct Call {
    std::shared_ptr<Connection> conn;
    Frame request;
  };
  // A connection and the thread reading it, keyed by a connection number in conns_.
  struct ConnectionThread {
    std::shared_ptr<Connection> conn;
    std::thread thread;
  };

  void acceptLoop();
  bool spawnReader(TcpSocket sock);
  void reapExitedLocked();
  void connectionLoop(const std::shared_ptr<Connection> &conn);
  bool readRequest(Connection &conn, Frame *frame);
  void handlerLoop();
  void dispatch(Call &call);
  void reply(Connection &conn, uint16_t method, uint64_t id, Code code, std::string payload);

  const RpcServerOptions opts_;
  std::map<uint16_t, RpcHandler> handlers_;
  TcpListener listener_;
  BoundedCallQueue<Call> queue_;
  std::atomic<bool> running_{false};
  std::thread acceptor_;
  std::vector<std::thread> handlers_pool_;
  std::mutex conns_mu_;  // guards conns_, exited_, next_conn_
  std::map<uint64_t, ConnectionThread> conns_;
  std::vector<uint64_t> exited_;  // readers whose loop has returned, not yet joined
  uint64_t next_conn_ = 0;
  std::atomic<uint64_t> calls_{0}, overloaded_{0}, errors_{0}, malformed_{0};
};

}  // namespace kvshard
