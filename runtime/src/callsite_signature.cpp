// CallSiteSignature implementation: module map (seqlock-protected snapshot refreshed
// under a spin lock on a miss) and the frame walk.
#include "callsite_signature.h"

#include <link.h>
#include <sched.h>
#include <cstring>

namespace csnake::rt {

namespace {
struct Segment {
  uintptr_t start, end, base;
  uint64_t nameHash;
};
constexpr uint32_t kMaxSegments = 1024;
Segment g_segs[kMaxSegments];
std::atomic<uint32_t> g_nsegs{0};
std::atomic<uint32_t> g_seq{0};  // odd while a refresh writes
std::atomic<uint32_t> g_gen{1};  // bumps on every refresh (invalidates per-thread caches)
std::atomic_flag g_refreshLock = ATOMIC_FLAG_INIT;
std::atomic<unsigned long long> g_lastAdds{~0ull};

uint64_t hashBasename(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  return trace::fnv1a64(base, strlen(base));
}

struct Collect {
  uint32_t n;
  bool unchanged;
};

int collect(struct dl_phdr_info *info, size_t, void *data) {
  auto *c = static_cast<Collect *>(data);
  const char *name = info->dlpi_name;
  if (!name || !*name) name = config().exe[0] ? config().exe : "main";
  uint64_t h = hashBasename(name);
  for (int i = 0; i < info->dlpi_phnum && c->n < kMaxSegments; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    Segment &s = g_segs[c->n++];
    s.start = info->dlpi_addr + ph.p_vaddr;
    s.end = s.start + ph.p_memsz;
    s.base = info->dlpi_addr;
    s.nameHash = h;
  }
  return 0;
}

int probeAdds(struct dl_phdr_info *info, size_t size, void *data) {
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
    *static_cast<unsigned long long *>(data) = info->dlpi_adds * 1000003ull + info->dlpi_subs;
  return 1;  // first object is enough
}

void refresh() {
  if (g_refreshLock.test_and_set(std::memory_order_acquire)) {
    while (g_refreshLock.test_and_set(std::memory_order_acquire)) sched_yield();
    g_refreshLock.clear(std::memory_order_release);
    return;  // someone else just refreshed
  }
  unsigned long long adds = 0;
  dl_iterate_phdr(probeAdds, &adds);
  if (adds != g_lastAdds.load() || adds == 0) {
    g_seq.fetch_add(1, std::memory_order_acq_rel);
    Collect c{0, false};
    dl_iterate_phdr(collect, &c);
    g_nsegs.store(c.n, std::memory_order_release);
    g_seq.fetch_add(1, std::memory_order_acq_rel);
    g_gen.fetch_add(1, std::memory_order_relaxed);
    g_lastAdds.store(adds);
  }
  g_refreshLock.clear(std::memory_order_release);
}

bool lookup(uintptr_t addr, uint64_t &out) {
  for (;;) {
    uint32_t s0 = g_seq.load(std::memory_order_acquire);
    if (s0 & 1) {
      sched_yield();
      continue;
    }
    bool found = false;
    uint32_t n = g_nsegs.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
      const Segment &s = g_segs[i];
      if (addr >= s.start && addr < s.end) {
        out = combine(s.nameHash, addr - s.base);
        found = true;
        break;
      }
    }
    if (g_seq.load(std::memory_order_acquire) == s0) return found;
  }
}
}  // namespace

uint64_t codeLocationHash(uintptr_t addr) {
  if (!addr) return 0;
  uint64_t h;
  if (lookup(addr, h)) return h;
  refresh();
  if (lookup(addr, h)) return h;
  return 0x756e6b6e6f776eull;  // "unknown": code outside any module (JIT); never raw
}

uint64_t callSiteSignature(ThreadState *ts, uintptr_t frame) {
  uintptr_t ra1 = 0, ra2 = 0;
  if (ts && ts->onStack(frame) && (frame & 7) == 0 && frame + 16 <= ts->stackHi) {
    auto *f = reinterpret_cast<uintptr_t *>(frame);
    ra1 = f[1];
    uintptr_t caller = f[0];
    if (caller > frame && ts->onStack(caller) && (caller & 7) == 0 && caller + 16 <= ts->stackHi)
      ra2 = reinterpret_cast<uintptr_t *>(caller)[1];
  }
  if (!ts) return combine(codeLocationHash(ra1), codeLocationHash(ra2)) | 1;
  uint32_t gen = g_gen.load(std::memory_order_relaxed);
  CallsigCacheEntry &c = ts->csCache[(mix64(ra1 ^ (ra2 << 1)) >> 58) & 63];
  if (c.ra1 == ra1 && c.ra2 == ra2 && c.gen == gen && c.sig) return c.sig;
  uint64_t sig = combine(codeLocationHash(ra1), codeLocationHash(ra2)) | 1;
  c.ra1 = ra1;
  c.ra2 = ra2;
  c.gen = g_gen.load(std::memory_order_relaxed);
  c.sig = sig;
  return sig;
}

}  // namespace csnake::rt
