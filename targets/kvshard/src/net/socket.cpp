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

// A failed socket call. The kernel timeouts (SO_RCVTIMEO/SO_SNDTIMEO: EAGAIN; connect:
// ETIMEDOUT, EINPROGRESS) are kTimeout, everything else is kUnavailable.
Status sysError(const char *op, int err) {
  const bool timeout = err == EAGAIN || err == EWOULDBLOCK || err == ETIMEDOUT || err == EINPROGRESS;
  const Code code = timeout ? Code::kTimeout : Code::kUnavailable;
  return Status(code, std::string(op) + ": " + std::strerror(err));
}

Status ipv4Address(const std::string &host, uint16_t port, sockaddr_in *addr) {
  *addr = sockaddr_in{};
  addr->sin_family = AF_INET;
  addr->sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr->sin_addr) == 1) return Status::OK();
  return Status(Code::kBadRequest, "not an IPv4 address: " + host);
}

OwnedFd streamSocket() { return OwnedFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)); }

// Small request/response frames: do not let Nagle hold them back.
void disableNagle(const OwnedFd &fd) {
  const int on = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

Status applyTimeout(const OwnedFd &fd, int which, Millis t) {
  const long long ms = t.count();
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>(ms % 1000 * 1000);
  if (::setsockopt(fd.get(), SOL_SOCKET, which, &tv, sizeof(tv)) == 0) return Status::OK();
  return sysError(which == SO_RCVTIMEO ? "setsockopt(SO_RCVTIMEO)" : "setsockopt(SO_SNDTIMEO)", errno);
}

}  // namespace

// --- OwnedFd ------------------------------------------------------------------------------

OwnedFd &OwnedFd::operator=(OwnedFd &&o) noexcept {
  if (&o != this) {
    reset();
    fd_ = o.release();
  }
  return *this;
}

int OwnedFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void OwnedFd::reset() {
  if (valid()) ::close(release());
}

void OwnedFd::shutdownBoth() const {
  if (valid()) ::shutdown(fd_, SHUT_RDWR);
}

// --- TcpSocket ----------------------------------------------------------------------------

Status TcpSocket::recvExactly(char *buf, size_t len) {
  char *const end = buf + len;
  while (buf != end) {
    ssize_t n = ::recv(fd_.get(), buf, static_cast<size_t>(end - buf), 0);
    if (n > 0) {
      buf += n;
    } else if (n == 0) {
      return Status(Code::kUnavailable, "connection closed by peer");
    } else if (errno != EINTR) {
      return sysError("recv", errno);  // EAGAIN: SO_RCVTIMEO expired, kTimeout
    }
  }
  return Status::OK();
}

Status TcpSocket::sendAll(const std::string &bytes) {
  const char *next = bytes.data();
  const char *const end = next + bytes.size();
  while (next != end) {
    ssize_t n = ::send(fd_.get(), next, static_cast<size_t>(end - next), MSG_NOSIGNAL);
    if (n >= 0) {
      next += n;
    } else if (errno != EINTR) {
      return sysError("send", errno);
    }
  }
  return Status::OK();
}

Status TcpSocket::setRecvTimeout(Millis t) { return applyTimeout(fd_, SO_RCVTIMEO, t); }

Status TcpSocket::setSendTimeout(Millis t) { return applyTimeout(fd_, SO_SNDTIMEO, t); }

Status TcpSocket::connectTo(const std::string &host, uint16_t port, Millis timeout, TcpSocket *out) {
  sockaddr_in addr;
  Status st = ipv4Address(host, port, &addr);
  if (!st.ok()) return st;
  TcpSocket s(streamSocket());
  if (!s.open()) return sysError("socket", errno);
  // On Linux SO_SNDTIMEO also bounds connect().
  st = s.setSendTimeout(timeout);
  if (!st.ok()) return st;
  disableNagle(s.fd_);
  for (;;) {
    if (::connect(s.fd(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0) break;
    if (errno != EINTR) return sysError("connect", errno);
  }
  *out = std::move(s);
  return Status::OK();
}

// --- TcpListener --------------------------------------------------------------------------

Status TcpListener::bindAndListen(uint16_t port) {
  sockaddr_in addr;
  Status st = ipv4Address("127.0.0.1", port, &addr);
  if (!st.ok()) return st;
  OwnedFd fd = streamSocket();
  if (!fd.valid()) return sysError("socket", errno);
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) != 0) return sysError("bind", errno);
  if (::listen(fd.get(), SOMAXCONN) != 0) return sysError("listen", errno);
  socklen_t addrLen = sizeof(addr);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&addr), &addrLen) != 0) {
    return sysError("getsockname", errno);
  }
  port_ = ntohs(addr.sin_port);
  fd_ = std::move(fd);  // an error above closes the half-made socket with `fd`
  return Status::OK();
}

Status TcpListener::accept(TcpSocket *out) {
  for (;;) {
    OwnedFd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (conn.valid()) {
      disableNagle(conn);
      *out = TcpSocket(std::move(conn));
      return Status::OK();
    }
    if (errno != EINTR) return sysError("accept", errno);
  }
}

// --- Frames -------------------------------------------------------------------------------

Status sendFrame(TcpSocket &sock, const Frame &frame) { return sock.sendAll(encodeFrame(frame)); }

Status recvFrame(TcpSocket &sock, size_t maxFrameBytes, Frame *out) {
  unsigned char prefix[4];
  Status st = sock.recvExactly(reinterpret_cast<char *>(prefix), sizeof(prefix));
  if (!st.ok()) return st;
  const uint32_t bodyLen = decodeLengthPrefix(prefix);
  if (bodyLen < kFrameHeaderBytes || bodyLen > maxFrameBytes) {
    return Status(Code::kBadRequest, "frame length " + std::to_string(bodyLen) + " out of bounds");
  }
  std::string body(bodyLen, '\0');
  st = sock.recvExactly(&body[0], body.size());
  if (!st.ok()) return st;
  try {
    *out = decodeFrameBody(body);
    return Status::OK();
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
}

}  // namespace kvshard
