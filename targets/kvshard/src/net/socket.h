// Blocking TCP sockets on 127.0.0.1. Receive and send timeouts are kernel timeouts
// (SO_RCVTIMEO / SO_SNDTIMEO): a recv that waits longer returns -1 with EAGAIN, which is
// surfaced as Code::kTimeout.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "wire/codec.h"

namespace kvshard {

// Sole owner of one descriptor: closed by reset() or on destruction, handed over by move.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() { reset(); }
  OwnedFd(OwnedFd &&o) noexcept : fd_(o.release()) {}
  OwnedFd &operator=(OwnedFd &&o) noexcept;
  OwnedFd(const OwnedFd &) = delete;
  OwnedFd &operator=(const OwnedFd &) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset();
  // shutdown(SHUT_RDWR): a thread blocked on the descriptor in another thread returns.
  void shutdownBoth() const;

 private:
  int fd_ = -1;
};

// A connected stream. Movable, not copyable.
class TcpSocket {
 public:
  TcpSocket() = default;
  explicit TcpSocket(OwnedFd fd) : fd_(std::move(fd)) {}

  static Status connectTo(const std::string &host, uint16_t port, Millis timeout, TcpSocket *out);

  // Zero disables a timeout.
  Status setRecvTimeout(Millis t);
  Status setSendTimeout(Millis t);
  Status sendAll(const std::string &bytes);
  Status recvExactly(char *buf, size_t len);
  void shutdown() { fd_.shutdownBoth(); }
  void close() { fd_.reset(); }
  bool open() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }

 private:
  OwnedFd fd_;
};

// Listening socket on 127.0.0.1:port (port 0: the kernel picks one, see port()).
class TcpListener {
 public:
  Status bindAndListen(uint16_t port);
  Status accept(TcpSocket *out);
  uint16_t port() const { return port_; }
  void shutdown() { fd_.shutdownBoth(); }
  void close() { fd_.reset(); }

 private:
  OwnedFd fd_;
  uint16_t port_ = 0;
};

// Frames on a stream: sendFrame writes one whole frame; recvFrame reads one and answers
// kBadRequest for a length prefix outside [kFrameHeaderBytes, maxFrameBytes] or a body
// that does not decode.
Status sendFrame(TcpSocket &sock, const Frame &frame);
Status recvFrame(TcpSocket &sock, size_t maxFrameBytes, Frame *out);

}  // namespace kvshard
