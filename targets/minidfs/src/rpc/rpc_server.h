// RPC server: an acceptor thread, one reader thread per connection that decodes frames
// into a bounded call queue, and a pool of handler threads that execute calls and write
// the responses (the structure of Hadoop's ipc.Server).
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

#include "common/config.h"
#include "net/socket.h"
#include "rpc/call_queue.h"

namespace minidfs {

// A handler decodes its request from the Decoder and returns the encoded response. It
// reports application errors by throwing DfsError and malformed input via ProtocolError.
using RpcHandler = std::function<std::string(Decoder &)>;

struct RpcServerStats {
  uint64_t calls = 0;
  uint64_t rejected_busy = 0;
  uint64_t expired = 0;
  uint64_t malformed = 0;
  uint64_t failed = 0;
};

class RpcServer {
 public:
  RpcServer(std::string node, const Config &cfg);
  ~RpcServer();
  RpcServer(const RpcServer &) = delete;
  RpcServer &operator=(const RpcServer &) = delete;

  void registerHandler(uint16_t method, RpcHandler handler);
  Status start(uint16_t port);
  void stop();
  uint16_t port() const { return listener_.port(); }
  RpcServerStats stats() const;

 private:
  struct Connection {
    Socket sock;
    std::mutex write_mu;
  };
  struct Call {
    std::shared_ptr<Connection> conn;
    Frame request;
    Clock::time_point received;
  };

  void acceptLoop();
  void readerLoop(std::shared_ptr<Connection> conn);
  void handlerLoop();
  void respond(Connection &conn, const Frame &request, Code code, std::string payload);
  void reapFinishedReaders();

  const std::string node_;
  const Config cfg_;
  std::map<uint16_t, RpcHandler> handlers_;
  ServerSocket listener_;
  CallQueue<Call> queue_;
  std::atomic<bool> running_{false};
  std::thread acceptor_;
  std::vector<std::thread> handler_threads_;

  struct Reader {
    std::thread thread;
    std::shared_ptr<Connection> conn;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex readers_mu_;
  std::list<Reader> readers_;

  std::atomic<uint64_t> calls_{0}, rejected_{0}, expired_{0}, malformed_{0}, failed_{0};
};

}  // namespace minidfs
