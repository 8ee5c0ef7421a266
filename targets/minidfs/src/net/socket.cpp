#include "net/socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace minidfs {

namespace {

Status errnoStatus(const char *what, int err) {
  Code code = Code::kUnavailable;
  if (err == EAGAIN || err == EWOULDBLOCK || err == ETIMEDOUT || err == EINPROGRESS) {
    code = Code::kTimeout;
  }
  return Status(code, std::string(what) + ": " + std::strerror(err));
}

timeval toTimeval(Millis ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

Socket &Socket::operator=(Socket &&other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.release();
  }
  return *this;
}

Status Socket::connect(const std::string &host, uint16_t port, Millis timeout, Socket *out) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errnoStatus("socket", errno);
  Socket sock(fd);
  // Linux applies SO_SNDTIMEO to connect(), which bounds the handshake without a poll loop.
  Status st = sock.setTimeouts(timeout, timeout);
  if (!st.ok()) return st;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status(Code::kBadRequest, "bad address " + host);
  }
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return errnoStatus("connect", errno);
  *out = std::move(sock);
  return Status::OK();
}

Status Socket::setTimeouts(Millis recvTimeout, Millis sendTimeout) {
  timeval rtv = toTimeval(recvTimeout);
  timeval stv = toTimeval(sendTimeout);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &rtv, sizeof(rtv)) < 0 ||
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &stv, sizeof(stv)) < 0) {
    return errnoStatus("setsockopt", errno);
  }
  return Status::OK();
}

Status Socket::sendAll(const void *data, size_t len) {
  const char *p = static_cast<const char *>(data);
  size_t sent = 0;
  while (sent < len) {
    ssize_t n = ::send(fd_, p + sent, len - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errnoStatus("send", errno);
    }
    sent += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status Socket::recvAll(void *data, size_t len) {
  if (len == 0) return Status::OK();
  // MSG_WAITALL makes the kernel collect the whole message; a short count only comes
  // back when the receive timeout expired part way.
  ssize_t n = ::recv(fd_, data, len, MSG_WAITALL);
  if (n < 0) return errnoStatus("recv", errno);
  if (n == 0) return Status(Code::kUnavailable, "connection closed by peer");
  if (static_cast<size_t>(n) != len) {
    return Status(Code::kTimeout, "recv: got " + std::to_string(n) + " of " + std::to_string(len) + " bytes");
  }
  return Status::OK();
}

void Socket::shutdownBoth() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void Socket::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status ServerSocket::listen(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errnoStatus("socket", errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0) {
    int err = errno;
    ::close(fd);
    return errnoStatus("bind", err);
  }
  if (::listen(fd, 128) < 0) {
    int err = errno;
    ::close(fd);
    return errnoStatus("listen", err);
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  fd_ = fd;
  port_ = ntohs(addr.sin_port);
  return Status::OK();
}

Status ServerSocket::accept(Socket *out) {
  int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return errnoStatus("accept", errno);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  *out = Socket(fd);
  return Status::OK();
}

void ServerSocket::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void ServerSocket::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status writeFrame(Socket &sock, const Frame &frame) {
  std::string bytes = encodeFrame(frame);
  return sock.sendAll(bytes.data(), bytes.size());
}

Status readFrame(Socket &sock, size_t maxFrameBytes, Frame *out) {
  unsigned char prefix[4];
  Status st = sock.recvAll(prefix, sizeof(prefix));
  if (!st.ok()) return st;
  uint32_t len = (uint32_t(prefix[0]) << 24) | (uint32_t(prefix[1]) << 16) |
                 (uint32_t(prefix[2]) << 8) | uint32_t(prefix[3]);
  if (len < kFrameHeaderBytes || len > maxFrameBytes) {
    return Status(Code::kBadRequest, "invalid frame length " + std::to_string(len));
  }
  std::string body(len, '\0');
  st = sock.recvAll(&body[0], len);
  if (!st.ok()) return st;
  *out = decodeFrameBody(body);
  return Status::OK();
}

}  // namespace minidfs
