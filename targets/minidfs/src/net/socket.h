// Blocking TCP sockets on 127.0.0.1 with kernel-enforced timeouts (SO_RCVTIMEO /
// SO_SNDTIMEO), plus frame I/O on top of them.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "wire/codec.h"

namespace minidfs {

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(Socket &&other) noexcept : fd_(other.release()) {}
  Socket &operator=(Socket &&other) noexcept;
  Socket(const Socket &) = delete;
  Socket &operator=(const Socket &) = delete;

  // Connects to host:port; gives up after `timeout`.
  static Status connect(const std::string &host, uint16_t port, Millis timeout, Socket *out);

  // Zero means "wait forever".
  Status setTimeouts(Millis recvTimeout, Millis sendTimeout);
  Status sendAll(const void *data, size_t len);
  Status recvAll(void *data, size_t len);
  // Wakes up a thread blocked on this socket in another thread (used on shutdown).
  void shutdownBoth();
  void close();
  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  int fd_ = -1;
};

class ServerSocket {
 public:
  ServerSocket() = default;
  ~ServerSocket() { close(); }
  ServerSocket(const ServerSocket &) = delete;
  ServerSocket &operator=(const ServerSocket &) = delete;

  // Binds 127.0.0.1:port (0 = ephemeral) and listens.
  Status listen(uint16_t port);
  Status accept(Socket *out);
  uint16_t port() const { return port_; }
  // Unblocks accept() in another thread.
  void shutdown();
  void close();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Writes one frame; reads one frame, rejecting length prefixes that are too small or
// larger than maxFrameBytes as kBadRequest.
Status writeFrame(Socket &sock, const Frame &frame);
Status readFrame(Socket &sock, size_t maxFrameBytes, Frame *out);

}  // namespace minidfs
