#include "net/socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace kvshard {

namespace {

Status sysError(const char *op, int err) {
  bool timedOut = err == EAGAIN || err == EWOULDBLOCK || err == ETIMEDOUT || err == EINPROGRESS;
  return Status(timedOut ? Code::kTimeout : Code::kUnavailable, std::string(op) + ": " + std::strerror(err));
}

Status setTimeoutOption(int fd, int option, Millis t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof(tv)) < 0) return sysError("setsockopt", errno);
  return Status::OK();
}

void setNoDelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

TcpSocket &TcpSocket::operator=(TcpSocket &&o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Status TcpSocket::connectTo(const std::string &host, uint16_t port, Millis timeout, TcpSocket *out) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status(Code::kBadRequest, "not an IPv4 address: " + host);
  }
  TcpSocket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.open()) return sysError("socket", errno);
  // Linux bounds connect() by SO_SNDTIMEO.
  Status st = s.setSendTimeout(timeout);
  if (!st.ok()) return st;
  setNoDelay(s.fd());
  int rc;
  do {
    rc = ::connect(s.fd(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return sysError("connect", errno);
  *out = std::move(s);
  return Status::OK();
}

Status TcpSocket::setRecvTimeout(Millis t) { return setTimeoutOption(fd_, SO_RCVTIMEO, t); }
Status TcpSocket::setSendTimeout(Millis t) { return setTimeoutOption(fd_, SO_SNDTIMEO, t); }

Status TcpSocket::sendAll(const std::string &bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sysError("send", errno);
    }
    off += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status TcpSocket::recvExactly(char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::recv(fd_, buf + got, len - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // EAGAIN here is SO_RCVTIMEO expiring: reported as kTimeout.
      return sysError("recv", errno);
    }
    if (n == 0) return Status(Code::kUnavailable, "connection closed by peer");
    got += static_cast<size_t>(n);
  }
  return Status::OK();
}

void TcpSocket::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void TcpSocket::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status TcpListener::bindAndListen(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sysError("socket", errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 || ::listen(fd, 256) < 0) {
    int err = errno;
    ::close(fd);
    return sysError("bind/listen", err);
  }
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) < 0) {
    int err = errno;
    ::close(fd);
    return sysError("getsockname", err);
  }
  fd_ = fd;
  port_ = ntohs(addr.sin_port);
  return Status::OK();
}

Status TcpListener::accept(TcpSocket *out) {
  int fd;
  do {
    fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return sysError("accept", errno);
  setNoDelay(fd);
  *out = TcpSocket(fd);
  return Status::OK();
}

void TcpListener::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void TcpListener::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status sendFrame(TcpSocket &sock, const Frame &frame) { return sock.sendAll(encodeFrame(frame)); }

Status recvFrame(TcpSocket &sock, size_t maxFrameBytes, Frame *out) {
  unsigned char prefix[4];
  Status st = sock.recvExactly(reinterpret_cast<char *>(prefix), sizeof(prefix));
  if (!st.ok()) return st;
  uint32_t len = decodeLengthPrefix(prefix);
  if (len < kFrameHeaderBytes || len > maxFrameBytes) {
    return Status(Code::kBadRequest, "bad frame length " + std::to_string(len));
  }
  std::string body(len, '\0');
  st = sock.recvExactly(&body[0], len);
  if (!st.ok()) return st;
  try {
    *out = decodeFrameBody(body);
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  return Status::OK();
}

}  // namespace kvshard
