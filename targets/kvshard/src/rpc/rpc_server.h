// RPC server: one acceptor thread, one reader thread per connection that parses frames
// into a bounded call queue, and a fixed pool of handler threads draining the queue.
// Handlers decode their request and return the encoded response; they report failures by
// throwing KvError (answered with its status code) or ProtocolError (BAD_REQUEST).
#pragma once

#include <atomic>
#include <functional>
#include <list>
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
  struct ReaderThread {
    std::thread thread;
    std::shared_ptr<Connection> conn;
    std::shared_ptr<std::atomic<bool>> finished;
  };

  void acceptLoop();
  void connectionLoop(const std::shared_ptr<Connection> &conn);
  void handlerLoop();
  void dispatch(Call &call);
  void reply(Connection &conn, const Frame &request, Code code, std::string payload);
  void joinFinishedReaders();

  const RpcServerOptions opts_;
  std::map<uint16_t, RpcHandler> handlers_;
  TcpListener listener_;
  BoundedCallQueue<Call> queue_;
  std::atomic<bool> running_{false};
  std::thread acceptor_;
  std::vector<std::thread> handlers_pool_;
  std::mutex readers_mu_;
  std::list<ReaderThread> readers_;
  std::atomic<uint64_t> calls_{0}, overloaded_{0}, errors_{0}, malformed_{0};
};

}  // namespace kvshard
