#include "storage/wal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wire/codec.h"
#include "wire/hashing.h"

namespace kvshard {

WriteAheadLog::~WriteAheadLog() { close(); }

Status WriteAheadLog::open(const std::string &path, bool fsyncEachAppend) {
  close();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status(Code::kIoError, "open " + path + ": " + std::strerror(errno));
  fd_ = fd;
  fsync_ = fsyncEachAppend;
  path_ = path;
  return Status::OK();
}

Status WriteAheadLog::replay(const std::function<void(const std::string &)> &apply) {
  struct stat sb;
  if (::stat(path_.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) return Status::OK();
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(Code::kIoError, "open " + path_ + ": " + std::strerror(errno));
  std::string data;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t pos = 0;
  while (data.size() - pos >= 8) {
    const unsigned char *p = reinterpret_cast<const unsigned char *>(data.data() + pos);
    uint32_t len = decodeLengthPrefix(p);
    uint32_t crc = decodeLengthPrefix(p + 4);
    if (data.size() - pos - 8 < len) break;
    std::string body = data.substr(pos + 8, len);
    if (crc32(body) != crc) break;
    apply(body);
    pos += 8 + len;
  }
  return Status::OK();
}

void WriteAheadLog::append(const std::string &body) {
  Writer w;
  w.fixed(static_cast<uint32_t>(body.size())).fixed(crc32(body));
  std::string record = w.release();
  record.append(body);
  ssize_t n = -1;
  if (fail_pending_ > 0) {
    --fail_pending_;
    errno = ENOSPC;
  } else {
    n = ::write(fd_, record.data(), record.size());
  }
  if (n != static_cast<ssize_t>(record.size())) {
    ++errors_;
    throw IoError("wal write " + path_ + ": " + (n < 0 ? std::strerror(errno) : "short write"));
  }
  if (fsync_ && ::fsync(fd_) != 0) {
    ++errors_;
    throw IoError("wal fsync " + path_ + ": " + std::strerror(errno));
  }
  ++appends_;
}

void WriteAheadLog::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace kvshard
