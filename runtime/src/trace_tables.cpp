// TraceTables implementation.
#include "trace_tables.h"

#include <algorithm>
#include <cstring>

namespace csnake::rt {

namespace {
EventTable g_events;
LoopTable g_loops;
PathTable g_paths;

template <typename T>
void atomicMax(std::atomic<T> &a, T v) {
  T cur = a.load(std::memory_order_relaxed);
  while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}
template <typename T>
void setOnce(std::atomic<T> &a, T v) {
  T zero = 0;
  if (a.load(std::memory_order_relaxed) == 0) a.compare_exchange_strong(zero, v, std::memory_order_relaxed);
}
}  // namespace

template <typename Slot, uint32_t N>
void Table<Slot, N>::reset() {
  for (uint32_t i = 0; i < N; ++i)
    if (slots[i].key.load(std::memory_order_relaxed) != 0) {
      slots[i].~Slot();
      new (&slots[i]) Slot();
    }
}

EventTable &eventTable() { return g_events; }
LoopTable &loopTable() { return g_loops; }
PathTable &pathTable() { return g_paths; }

void resetTables() {
  g_events.reset();
  g_loops.reset();
  g_paths.reset();
}

void recordEvent(uint64_t site, uint64_t context, uint64_t callsig, uint32_t node, uint32_t kind, bool reach,
                 bool occur, bool injected, int err) {
  uint64_t key = combine(combine(combine(site, context), callsig), node);
  bool claimed;
  uint32_t idx = g_events.findOrClaim(key, claimed);
  if (idx == kNoSlot) {
    bump(stats().eventsDropped);
    return;
  }
  EventSlot &s = g_events.slots[idx];
  if (claimed) {
    s.site = site;
    s.context = context;
    s.callsig = callsig;
    s.node = node;
    s.kind = kind;
    s.ready.store(1, std::memory_order_release);
  }
  uint64_t now = 0;
  if (s.firstReach.load(std::memory_order_relaxed) == 0) setOnce(s.firstReach, (now = sinceStartNs()) | 1);
  if (reach) s.reach.fetch_add(1, std::memory_order_relaxed);
  if (occur) {
    if (s.firstOccur.load(std::memory_order_relaxed) == 0) setOnce(s.firstOccur, (now ? now : sinceStartNs()) | 1);
    s.occur.fetch_add(1, std::memory_order_relaxed);
    if (injected) s.injected.fetch_add(1, std::memory_order_relaxed);
    if (err) s.lastErrno.store(err, std::memory_order_relaxed);
  }
  markDirty();
}

uint32_t loopSlot(uint64_t loop, uint64_t callsig, uint32_t node, uint64_t parent) {
  uint64_t key = combine(combine(loop, callsig), node);
  bool claimed;
  uint32_t idx = g_loops.findOrClaim(key, claimed);
  if (idx == kNoSlot) {
    bump(stats().loopsDropped);
    return kNoSlot;
  }
  LoopSlot &s = g_loops.slots[idx];
  if (claimed) {
    s.loop = loop;
    s.callsig = callsig;
    s.node = node;
    s.parent = parent;
    s.ready.store(1, std::memory_order_release);
  }
  return idx;
}

void recordInvocation(uint32_t slot, uint64_t iterations) {
  if (slot == kNoSlot) return;
  LoopSlot &s = g_loops.slots[slot];
  s.invocations.fetch_add(1, std::memory_order_relaxed);
  if (iterations) s.iterations.fetch_add(iterations, std::memory_order_relaxed);
  atomicMax(s.maxIterations, iterations);
  s.hist[trace::histBucket(iterations)].fetch_add(1, std::memory_order_relaxed);
  markDirty();
}

uint32_t recordPath(const LoopEntry &l, uint64_t pathsig, uint64_t key, bool count, bool &claimed) {
  const PathAcc &acc = l.path;
  uint32_t idx = g_paths.findOrClaim(key, claimed);
  if (idx == kNoSlot) {
    bump(stats().pathsDropped);
    return kNoSlot;
  }
  PathSlot &s = g_paths.slots[idx];
  if (claimed) {
    s.loop = l.id;
    s.callsig = l.callsig;
    s.node = l.node;
    s.pathsig = pathsig;
    uint32_t n = std::min<uint32_t>(acc.n, trace::kMaxPathPairs);
    std::memcpy(s.pairs, acc.pairs, n * sizeof(trace::PathPair));
    std::sort(s.pairs, s.pairs + n, [](const trace::PathPair &a, const trace::PathPair &b) {
      return a.site != b.site ? a.site < b.site : a.value < b.value;
    });
    s.nPairs = uint16_t(n);
    s.overflow = acc.overflow;
    s.ready.store(1, std::memory_order_release);
  }
  if (count || claimed) {
    s.count.fetch_add(1, std::memory_order_relaxed);
    markDirty();
  }
  return idx;
}

}  // namespace csnake::rt
