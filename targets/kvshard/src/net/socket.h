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

class TcpSocket {
 public:
  TcpSocket() = default;
  explicit TcpSocket(int fd) : fd_(fd) {}
  ~TcpSocket() { close(); }
  TcpSocket(TcpSocket &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  TcpSocket &operator=(TcpSocket &&o) noexcept;
  TcpSocket(const TcpSocket &) = delete;
  TcpSocket &operator=(const TcpSocket &) = delete;

  static Status connectTo(const std::string &host, uint16_t port, Millis timeout, TcpSocket *out);

  // Zero disables a timeout.
  Status setRecvTimeout(Millis t);
  Status setSendTimeout(Millis t);
  Status sendAll(const std::string &bytes);
  Status recvExactly(char *buf, size_t len);
  void shutdown();
  void close();
  bool open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

class TcpListener {
 public:
  TcpListener() = default;
  ~TcpListener() { close(); }
  TcpListener(const TcpListener &) = delete;
  TcpListener &operator=(const TcpListener &) = delete;

  // Binds 127.0.0.1:port (0 picks an ephemeral port).
  Status bindAndListen(uint16_t port);
  Status accept(TcpSocket *out);
  uint16_t port() const { return port_; }
  void shutdown();
  void close();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

Status sendFrame(TcpSocket &sock, const Frame &frame);
// Reads one frame. A length prefix below the header size or above maxFrameBytes, and a
// body that does not decode, are kBadRequest.
Status recvFrame(TcpSocket &sock, size_t maxFrameBytes, Frame *out);

}  // namespace kvshard
