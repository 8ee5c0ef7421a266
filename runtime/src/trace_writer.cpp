// TraceWriter implementation.
#include "trace_writer.h"

#include "armed_fault.h"
#include "node_names.h"
#include "thread_state.h"
#include "trace_tables.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace csnake::rt {

using namespace trace;

namespace {
char *g_buf = nullptr;
size_t g_cap = 0;
char g_lastPath[1200] = {};
uint32_t g_flushCount = 0;
// Open invocations per loop slot, gathered from the thread stacks at each flush.
uint64_t g_openInv[kLoopCapacity];
uint64_t g_openIter[kLoopCapacity];

size_t maxSize() {
  return sizeof(FileHeader) + 8 * sizeof(SectionHeader) + sizeof(StatsRecord) + sizeof(ReceiptRecord) +
         (kNodeCapacity + 1) * sizeof(NodeRecord) + kEventCapacity * sizeof(EventRecord) +
         kLoopCapacity * (sizeof(LoopRecord) + kHistBuckets * sizeof(HistBucket)) +
         kPathCapacity * (sizeof(PathRecord) + kMaxPathPairs * sizeof(PathPair));
}

struct Out {
  char *p;
  size_t n = 0;
  template <typename T>
  T *put(const T &v) {
    T *at = reinterpret_cast<T *>(p + n);
    memcpy(p + n, &v, sizeof(T));
    n += sizeof(T);
    return at;
  }
  size_t beginSection(SectionType t) {
    size_t at = n;
    put(SectionHeader{uint32_t(t), 0, 0});
    return at;
  }
  void endSection(size_t at, uint32_t count) {
    SectionHeader h{};
    memcpy(&h, p + at, sizeof h);
    h.count = count;
    h.size = n - at - sizeof(SectionHeader);
    memcpy(p + at, &h, sizeof h);
  }
};

void copyStr(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = 0;
}

size_t serialize(FlushReason reason, int signo) {
  Out o{g_buf};
  FileHeader h{};
  memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kFormatVersion;
  h.header_size = sizeof(FileHeader);
  h.pid = getpid();
  h.ppid = getppid();
  h.start_unix_ns = config().startUnixNs;
  h.flush_ns = sinceStartNs();
  h.flush_reason = uint32_t(reason);
  h.flush_signal = uint32_t(signo);
  h.abi_version = CSNAKE_ABI_VERSION;
  h.flush_count = g_flushCount;
  copyStr(h.node, sizeof h.node, nodeName(processNode()));
  copyStr(h.exe, sizeof h.exe, config().exe);
  o.put(h);

  size_t sec = o.beginSection(SectionType::Nodes);
  uint32_t nn = nodeCount();
  for (uint32_t i = 1; i <= nn; ++i) {
    NodeRecord r{};
    r.id = i;
    copyStr(r.name, sizeof r.name, nodeName(i));
    o.put(r);
  }
  o.endSection(sec, nn);

  sec = o.beginSection(SectionType::Stats);
  const Stats &s = stats();
  StatsRecord st{};
  st.modules_registered = s.modulesRegistered.load();
  st.modules_rejected = s.modulesRejected.load();
  st.sites_registered = s.sitesRegistered.load();
  st.events_dropped = s.eventsDropped.load();
  st.loops_dropped = s.loopsDropped.load();
  st.paths_dropped = s.pathsDropped.load();
  st.loop_stack_overflow = s.loopStackOverflow.load();
  st.path_pair_overflow = s.pathPairOverflow.load();
  st.iterations_sampled_out = s.iterationsSampledOut.load();
  forEachThreadState(
      [&](ThreadState *ts) { st.iterations_sampled_out += ts->sampledOut.load(std::memory_order_relaxed); });
  st.threads_untracked = s.threadsUntracked.load();
  st.nodes_dropped = s.nodesDropped.load();
  o.put(st);
  o.endSection(sec, 1);

  sec = o.beginSection(SectionType::Receipt);
  ReceiptRecord rr;
  armedFault().fillReceipt(rr);
  o.put(rr);
  o.endSection(sec, 1);

  sec = o.beginSection(SectionType::Events);
  uint32_t count = 0;
  for (const EventSlot &e : eventTable().slots) {
    if (!e.ready.load(std::memory_order_acquire)) continue;
    EventRecord r{};
    r.site = e.site;
    r.context = e.context;
    r.callsig = e.callsig;
    r.node = e.node;
    r.kind = e.kind;
    r.reach = e.reach.load(std::memory_order_relaxed);
    r.occur = e.occur.load(std::memory_order_relaxed);
    r.injected = e.injected.load(std::memory_order_relaxed);
    r.first_reach_ns = e.firstReach.load(std::memory_order_relaxed);
    r.first_occur_ns = e.firstOccur.load(std::memory_order_relaxed);
    r.last_errno = e.lastErrno.load(std::memory_order_relaxed);
    o.put(r);
    ++count;
  }
  o.endSection(sec, count);

  // Loops still running (a storm loop that never exits until the process is killed)
  // must show up too: add their in-progress iterations as open invocations.
  memset(g_openInv, 0, sizeof g_openInv);
  memset(g_openIter, 0, sizeof g_openIter);
  forEachThreadState([](ThreadState *ts) {
    uint32_t d = ts->depth.load(std::memory_order_acquire);
    if (d > kLoopStackDepth) d = kLoopStackDepth;
    for (uint32_t i = 0; i < d; ++i) {
      uint32_t slot = ts->stack[i].slot;
      if (slot >= kLoopCapacity) continue;
      g_openInv[slot] += 1;
      g_openIter[slot] += ts->stack[i].iters.load(std::memory_order_relaxed);
    }
  });
  sec = o.beginSection(SectionType::Loops);
  count = 0;
  for (uint32_t i = 0; i < kLoopCapacity; ++i) {
    const LoopSlot &l = loopTable().slots[i];
    if (!l.ready.load(std::memory_order_acquire)) continue;
    LoopRecord r{};
    r.loop = l.loop;
    r.callsig = l.callsig;
    r.parent = l.parent;
    r.node = l.node;
    r.invocations = l.invocations.load(std::memory_order_relaxed);
    r.iterations = l.iterations.load(std::memory_order_relaxed);
    r.max_iterations = l.maxIterations.load(std::memory_order_relaxed);
    r.open_invocations = g_openInv[i];
    r.open_iterations = g_openIter[i];
    LoopRecord *at = o.put(r);
    uint32_t nb = 0;
    for (uint32_t b = 0; b < kHistBuckets; ++b) {
      uint64_t c = l.hist[b].load(std::memory_order_relaxed);
      if (!c) continue;
      o.put(HistBucket{b, 0, c});
      ++nb;
    }
    memcpy(reinterpret_cast<char *>(at) + offsetof(LoopRecord, n_buckets), &nb, sizeof nb);
    ++count;
  }
  o.endSection(sec, count);

  sec = o.beginSection(SectionType::Paths);
  count = 0;
  for (const PathSlot &p : pathTable().slots) {
    if (!p.ready.load(std::memory_order_acquire)) continue;
    PathRecord r{};
    r.loop = p.loop;
    r.callsig = p.callsig;
    r.pathsig = p.pathsig;
    r.node = p.node;
    r.n_pairs = p.nPairs;
    r.overflow = p.overflow;
    r.count = p.count.load(std::memory_order_relaxed);
    o.put(r);
    for (uint32_t k = 0; k < p.nPairs; ++k) o.put(p.pairs[k]);
    ++count;
  }
  o.endSection(sec, count);

  uint64_t body = o.n - sizeof(FileHeader);
  uint64_t sum = fnv1a64(g_buf + kChecksumFrom, o.n - kChecksumFrom);
  memcpy(g_buf + offsetof(FileHeader, body_size), &body, sizeof body);
  memcpy(g_buf + offsetof(FileHeader, checksum), &sum, sizeof sum);
  return o.n;
}

// Async-signal-safe formatting helpers.
char *appendStr(char *p, char *end, const char *s) {
  while (*s && p < end) *p++ = *s++;
  return p;
}
char *appendUInt(char *p, char *end, unsigned long v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  while (n && p < end) *p++ = tmp[--n];
  return p;
}

void filePath(char *out, size_t cap, bool tmp) {
  char *p = out, *end = out + cap - 1;
  p = appendStr(p, end, config().traceDir);
  p = appendStr(p, end, "/");
  if (tmp) p = appendStr(p, end, ".");
  const char *node = nodeName(processNode());
  if (!*node) node = "proc";
  // Node names come from the target: keep them file-name safe.
  for (const char *c = node; *c && p < end; ++c) {
    char ch = *c;
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_' || ch == '.';
    *p++ = ok ? ch : '_';
  }
  p = appendStr(p, end, "-");
  p = appendUInt(p, end, (unsigned long)getpid());
  p = appendStr(p, end, kFileSuffix);
  if (tmp) p = appendStr(p, end, ".tmp");
  *p = 0;
}
}  // namespace

bool initTraceWriter() {
  g_cap = maxSize();
  void *m = mmap(nullptr, g_cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return false;
  g_buf = static_cast<char *>(m);
  return true;
}

void resetTraceWriterAfterFork() {
  g_lastPath[0] = 0;
  g_flushCount = 0;
}

bool writeTrace(FlushReason reason, int signo) {
  if (!g_buf || !config().tracing) return false;
  int savedErrno = errno;  // the target may be inside an errno-sensitive section
  ++g_flushCount;
  size_t n = serialize(reason, signo);
  char tmp[1200], final[1200];
  filePath(tmp, sizeof tmp, true);
  filePath(final, sizeof final, false);
  bool ok = false;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    size_t off = 0;
    ok = true;
    while (off < n) {
      ssize_t w = write(fd, g_buf + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok = false;
        break;
      }
      off += size_t(w);
    }
    close(fd);
    if (ok) ok = rename(tmp, final) == 0;
    if (!ok) unlink(tmp);
  }
  if (ok) {
    // The process got its node name after an earlier flush: drop the old-named file.
    if (g_lastPath[0] && strcmp(g_lastPath, final) != 0) unlink(g_lastPath);
    copyStr(g_lastPath, sizeof g_lastPath, final);
  }
  errno = savedErrno;
  return ok;
}

}  // namespace csnake::rt
