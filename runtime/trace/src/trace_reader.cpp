// Decoder of csnake trace files. Validation order matters for the messages: size 0,
// magic, version, sizes (truncation), checksum, then the section structure.
#include <csnake/trace_reader.h>

#include <dirent.h>
#include <zlib.h>
#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>

namespace csnake {

using namespace trace;

namespace {

[[noreturn]] void fail(const std::string &name, const std::string &problem) { throw TraceError(name + ": " + problem); }

std::string fixedString(const char *s, size_t cap) { return std::string(s, strnlen(s, cap)); }

// Bounds-checked cursor over the body.
class Cursor {
 public:
  Cursor(const std::string &name, const unsigned char *p, size_t n) : name_(name), p_(p), n_(n) {}
  template <typename T>
  T take(const char *what) {
    if (n_ - off_ < sizeof(T)) fail(name_, std::string("malformed: ") + what + " runs past its section");
    T v;
    std::memcpy(&v, p_ + off_, sizeof(T));
    off_ += sizeof(T);
    return v;
  }
  size_t remaining() const { return n_ - off_; }
  const unsigned char *here() const { return p_ + off_; }
  void skip(size_t n) { off_ += n; }

 private:
  const std::string &name_;
  const unsigned char *p_;
  size_t n_;
  size_t off_ = 0;
};

}  // namespace

std::string TraceFile::nodeName(uint32_t id) const {
  auto it = nodes.find(id);
  return it == nodes.end() ? std::string() : it->second;
}
std::string TraceFile::processNode() const { return fixedString(header.node, sizeof header.node); }
std::string TraceFile::exe() const { return fixedString(header.exe, sizeof header.exe); }

TraceFile TraceFile::decode(const std::string &name, const void *data, size_t size) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  if (size == 0) fail(name, "empty file");
  size_t magicBytes = std::min(size, sizeof kMagic);
  if (std::memcmp(bytes, kMagic, magicBytes) != 0) fail(name, "not a csnake trace");
  if (size < kChecksumFrom)
    fail(name, "truncated (" + std::to_string(size) + " of at least " + std::to_string(sizeof(FileHeader)) + " bytes)");
  FileHeader fixed{};
  std::memcpy(&fixed, bytes, kChecksumFrom);
  if (fixed.version > kFormatVersion)
    fail(name, "format version " + std::to_string(fixed.version) + " is newer than supported (" +
                   std::to_string(kFormatVersion) + ")");
  if (fixed.version == 0) fail(name, "format version 0 is not valid");
  if (fixed.header_size < sizeof(FileHeader)) fail(name, "malformed: header size " + std::to_string(fixed.header_size));
  uint64_t total = uint64_t(fixed.header_size) + fixed.body_size;
  if (fixed.body_size > (uint64_t(1) << 40)) fail(name, "malformed: body size " + std::to_string(fixed.body_size));
  if (size < total) fail(name, "truncated (" + std::to_string(size) + " of " + std::to_string(total) + " bytes)");
  if (size > total)
    fail(name, "size mismatch (" + std::to_string(size) + " bytes, header says " + std::to_string(total) + ")");
  if (fnv1a64(bytes + kChecksumFrom, total - kChecksumFrom) != fixed.checksum) fail(name, "checksum mismatch");

  TraceFile f;
  f.path = name;
  std::memcpy(&f.header, bytes, sizeof(FileHeader));
  Cursor body(name, bytes + fixed.header_size, fixed.body_size);
  while (body.remaining() > 0) {
    auto sh = body.take<SectionHeader>("section header");
    if (sh.size > body.remaining()) fail(name, "malformed: section runs past the body");
    Cursor sec(name, body.here(), sh.size);
    body.skip(sh.size);
    switch (static_cast<SectionType>(sh.type)) {
      case SectionType::Nodes:
        for (uint32_t i = 0; i < sh.count; ++i) {
          auto n = sec.take<NodeRecord>("node record");
          f.nodes[n.id] = fixedString(n.name, sizeof n.name);
        }
        break;
      case SectionType::Stats: f.stats = sec.take<StatsRecord>("stats record"); break;
      case SectionType::Receipt:
        // The receipt grew (skip): older, shorter receipts decode with the new fields 0.
        if (sec.remaining() < offsetof(ReceiptRecord, skip))
          fail(name, "malformed: receipt record runs past its section");
        f.receipt = ReceiptRecord{};
        std::memcpy(&f.receipt, sec.here(), std::min<size_t>(sec.remaining(), sizeof(ReceiptRecord)));
        f.hasReceipt = true;
        break;
      case SectionType::Events:
        for (uint32_t i = 0; i < sh.count; ++i) f.events.push_back(sec.take<EventRecord>("event record"));
        break;
      case SectionType::Loops:
        for (uint32_t i = 0; i < sh.count; ++i) {
          TraceLoop l;
          l.rec = sec.take<LoopRecord>("loop record");
          if (l.rec.n_buckets > kHistBuckets) fail(name, "malformed: loop histogram too long");
          for (uint32_t b = 0; b < l.rec.n_buckets; ++b) l.histogram.push_back(sec.take<HistBucket>("histogram"));
          f.loops.push_back(std::move(l));
        }
        break;
      case SectionType::Paths:
        for (uint32_t i = 0; i < sh.count; ++i) {
          TracePath p;
          p.rec = sec.take<PathRecord>("path record");
          if (p.rec.n_pairs > kMaxPathPairs) fail(name, "malformed: path with too many pairs");
          for (uint32_t b = 0; b < p.rec.n_pairs; ++b) p.pairs.push_back(sec.take<PathPair>("path pair"));
          f.paths.push_back(std::move(p));
        }
        break;
      default: break;  // unknown section: skipped (forward compatible)
    }
  }
  return f;
}

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A trace the campaign kept gzipped (*.cstrace.gz): inflated whole, then decoded.
std::string readGzipped(const std::string &path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(gz, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      std::string why = gzerror(gz, &code);
      gzclose(gz);
      fail(path, "corrupt gzip data (" + why + ")");
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  gzclose(gz);
  return data;
}

}  // namespace

TraceFile TraceFile::read(const std::string &path) {
  if (endsWith(path, std::string(kFileSuffix) + ".gz")) {
    std::string data = readGzipped(path);
    return decode(path, data.data(), data.size());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read error");
  return decode(path, data.data(), data.size());
}

std::vector<std::string> TraceDirectory::list(const std::string &dir) {
  DIR *d = opendir(dir.c_str());
  if (!d) fail(dir, std::string("cannot open directory: ") + std::strerror(errno));
  std::vector<std::string> names;
  std::string suffix = kFileSuffix;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if ((endsWith(n, suffix) || endsWith(n, suffix + ".gz")) && n[0] != '.') names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

TraceDirectory TraceDirectory::read(const std::string &dir) {
  TraceDirectory td;
  td.dir = dir;
  auto names = list(dir);
  if (names.empty()) fail(dir, "no *.cstrace or *.cstrace.gz files (did the target run with the csnake runtime?)");
  std::string base = dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  for (const auto &n : names) td.files.push_back(TraceFile::read(base + "/" + n));
  return td;
}

}  // namespace csnake
