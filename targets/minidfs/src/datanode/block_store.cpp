#include "datanode/block_store.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "common/crc32.h"
#include "common/log.h"

namespace minidfs {

namespace {

std::string errnoText(const char *what, const std::string &path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// Reads a whole file with read(); used for meta files, which are small.
bool slurp(const std::string &path, std::string *out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  out->clear();
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace

BlockStore::BlockStore(std::string dir, size_t chunkSize) : dir_(std::move(dir)), chunk_size_(chunkSize) {}

BlockStore::~BlockStore() {
  for (auto &entry : replicas_) {
    if (entry.second.fd >= 0) ::close(entry.second.fd);
  }
}

std::string BlockStore::dataPath(uint64_t id) const { return dir_ + "/blk_" + std::to_string(id); }
std::string BlockStore::metaPath(uint64_t id) const { return dataPath(id) + ".meta"; }

Status BlockStore::init() {
  if (::mkdir(dir_.c_str(), 0755) < 0 && errno != EEXIST) {
    return Status(Code::kIoError, errnoText("mkdir", dir_));
  }
  DIR *d = ::opendir(dir_.c_str());
  if (d == nullptr) return Status(Code::kIoError, errnoText("opendir", dir_));
  std::vector<std::string> names;
  while (dirent *e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::lock_guard<std::mutex> lk(mu_);
  for (const std::string &name : names) {
    if (name.compare(0, 4, "blk_") != 0) continue;
    bool isMeta = name.size() > 5 && name.compare(name.size() - 5, 5, ".meta") == 0;
    uint64_t id = std::strtoull(name.c_str() + 4, nullptr, 10);
    if (!isMeta) {
      // Data without meta is a replica that was being written when we stopped.
      struct stat st {};
      if (::stat(metaPath(id).c_str(), &st) < 0) ::unlink(dataPath(id).c_str());
      continue;
    }
    Status s = loadReplica(id);
    if (!s.ok()) {
      MINIDFS_LOG(kWarn) << "skipping replica " << id << ": " << s.toString();
    }
  }
  return Status::OK();
}

Status BlockStore::loadReplica(uint64_t id) {
  std::string text;
  if (!slurp(metaPath(id), &text)) return Status(Code::kIoError, errnoText("read", metaPath(id)));
  std::istringstream in(text);
  Replica r;
  r.info.block.id = id;
  r.info.state = ReplicaState::kFinalized;
  size_t nCrcs = 0;
  if (!(in >> r.info.block.gen_stamp >> r.info.block.num_bytes >> nCrcs)) {
    return Status(Code::kIoError, "corrupt meta file " + metaPath(id));
  }
  for (size_t i = 0; i < nCrcs; ++i) {
    uint32_t c = 0;
    if (!(in >> c)) return Status(Code::kIoError, "truncated meta file " + metaPath(id));
    r.crcs.push_back(c);
  }
  replicas_[id] = std::move(r);
  return Status::OK();
}

Status BlockStore::openForWrite(const Block &block, uint64_t *bytesOnDisk) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = replicas_.find(block.id);
  bool keep = it != replicas_.end() && it->second.info.state == ReplicaState::kFinalized &&
              it->second.info.block.gen_stamp == block.gen_stamp;
  if (it != replicas_.end() && it->second.fd >= 0) {
    // A writer that gave up left the replica open; the new writer takes it over.
    ::close(it->second.fd);
    it->second.fd = -1;
  }
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (keep ? 0 : O_TRUNC);
  int fd = ::open(dataPath(block.id).c_str(), flags, 0644);
  if (fd < 0) return Status(Code::kIoError, errnoText("open", dataPath(block.id)));
  Replica &r = replicas_[block.id];
  if (!keep) {
    r.info.block = block;
    r.info.block.num_bytes = 0;
  }
  ::unlink(metaPath(block.id).c_str());
  r.info.state = ReplicaState::kRbw;
  r.fd = fd;
  r.crcs.clear();
  *bytesOnDisk = r.info.block.num_bytes;
  return Status::OK();
}

void BlockStore::writeAt(uint64_t id, uint64_t offset, const std::string &data) {
  int fd;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = replicas_.find(id);
    if (it == replicas_.end() || it->second.fd < 0) throw IoError("replica " + std::to_string(id) + " not open");
    fd = it->second.fd;
  }
  ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
  if (n < 0) throw IoError(errnoText("pwrite", dataPath(id)));
  // Short writes to a regular file only happen when the disk is full.
  if (static_cast<size_t>(n) != data.size()) throw IoError("short write to " + dataPath(id) + ": disk full");
  std::lock_guard<std::mutex> lk(mu_);
  Replica &r = replicas_[id];
  r.info.block.num_bytes = std::max<uint64_t>(r.info.block.num_bytes, offset + data.size());
}

Status BlockStore::finalize(uint64_t id, Block *finalized) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end() || it->second.fd < 0) return Status(Code::kIoError, "replica not open");
  Replica &r = it->second;
  if (::fsync(r.fd) < 0) return Status(Code::kIoError, errnoText("fsync", dataPath(id)));
  ::close(r.fd);
  r.fd = -1;
  int fd = ::open(dataPath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(Code::kIoError, errnoText("open", dataPath(id)));
  std::string chunk(chunk_size_, '\0');
  r.crcs.clear();
  for (uint64_t off = 0; off < r.info.block.num_bytes; off += chunk_size_) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(chunk_size_, r.info.block.num_bytes - off));
    ssize_t n = ::pread(fd, &chunk[0], want, static_cast<off_t>(off));
    if (n != static_cast<ssize_t>(want)) {
      ::close(fd);
      return Status(Code::kIoError, errnoText("pread", dataPath(id)));
    }
    r.crcs.push_back(crc32(chunk.data(), want));
  }
  ::close(fd);
  Status st = writeMeta(id, r);
  if (!st.ok()) return st;
  r.info.state = ReplicaState::kFinalized;
  *finalized = r.info.block;
  return Status::OK();
}

Status BlockStore::writeMeta(uint64_t id, const Replica &r) {
  std::ostringstream out;
  out << r.info.block.gen_stamp << ' ' << r.info.block.num_bytes << ' ' << r.crcs.size() << '\n';
  for (uint32_t c : r.crcs) out << c << '\n';
  std::string text = out.str();
  // Write-then-rename, so a crash never leaves a meta file describing half the data.
  std::string tmp = metaPath(id) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(Code::kIoError, errnoText("open", tmp));
  ssize_t n = ::write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()) || ::fsync(fd) < 0) {
    Status st(Code::kIoError, errnoText("write", tmp));
    ::close(fd);
    return st;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), metaPath(id).c_str()) < 0) return Status(Code::kIoError, errnoText("rename", tmp));
  return Status::OK();
}

std::string BlockStore::read(uint64_t id, uint64_t offset, size_t len) {
  std::vector<uint32_t> crcs;
  uint64_t size;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = replicas_.find(id);
    if (it == replicas_.end() || it->second.info.state != ReplicaState::kFinalized) {
      throw IoError("no finalized replica of block " + std::to_string(id));
    }
    crcs = it->second.crcs;
    size = it->second.info.block.num_bytes;
  }
  if (offset > size) throw IoError("read beyond end of block " + std::to_string(id));
  len = static_cast<size_t>(std::min<uint64_t>(len, size - offset));
  // Verification works on whole chunks: widen the range to chunk boundaries.
  uint64_t first = offset / chunk_size_;
  uint64_t start = first * chunk_size_;
  uint64_t end = std::min<uint64_t>(size, ((offset + len + chunk_size_ - 1) / chunk_size_) * chunk_size_);
  std::string buf(static_cast<size_t>(end - start), '\0');
  int fd = ::open(dataPath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(errnoText("open", dataPath(id)));
  ssize_t n = ::pread(fd, &buf[0], buf.size(), static_cast<off_t>(start));
  ::close(fd);
  if (n != static_cast<ssize_t>(buf.size())) throw IoError(errnoText("pread", dataPath(id)));
  uint64_t chunks = (buf.size() + chunk_size_ - 1) / chunk_size_;
  if (first + chunks > crcs.size()) throw ChecksumError("meta file of block " + std::to_string(id) + " too short");
  for (uint64_t c = 0; c < chunks; ++c) {
    size_t clen = std::min<size_t>(chunk_size_, buf.size() - c * chunk_size_);
    uint32_t actual = crc32(buf.data() + c * chunk_size_, clen);
    if (actual != crcs[first + c]) {
      throw ChecksumError("checksum mismatch in block " + std::to_string(id) + " chunk " +
                          std::to_string(first + c));
    }
  }
  return buf.substr(static_cast<size_t>(offset - start), len);
}

bool BlockStore::get(uint64_t id, ReplicaInfo *out) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end()) return false;
  *out = it->second.info;
  return true;
}

bool BlockStore::remove(uint64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end()) return false;
  if (it->second.fd >= 0) ::close(it->second.fd);
  replicas_.erase(it);
  ::unlink(metaPath(id).c_str());
  return ::unlink(dataPath(id).c_str()) == 0;
}

std::vector<Block> BlockStore::finalizedBlocks() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<Block> out;
  for (const auto &entry : replicas_) {
    if (entry.second.info.state == ReplicaState::kFinalized) out.push_back(entry.second.info.block);
  }
  return out;
}

size_t BlockStore::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return replicas_.size();
}

}  // namespace minidfs
