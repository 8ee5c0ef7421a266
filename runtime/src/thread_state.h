// ThreadState: everything per thread — the loop stack (with each active loop's current
// iteration path), the node, cached stack bounds, a seen-path filter and a call-site
// signature cache. TLS holds only a pointer (initial-exec, so a hook's access is one
// %fs-relative load and the runtime stays dlopen-able); the blocks come from a pool of
// mmap'd blocks that are reused when threads exit, so hooks never call malloc.
#pragma once

#include "rt_common.h"

namespace csnake::rt {

inline constexpr uint32_t kNoSlot = ~0u;

// Pairs of the current iteration of one loop (deduplicated set, see trace_format.h).
struct PathAcc {
  bool active = false;    // an iteration has started
  bool overflow = false;  // more than kMaxPathPairs distinct pairs
  uint32_t n = 0;         // distinct pairs (stored ones: min(n, kMaxPathPairs))
  uint64_t sum = 0;       // sum of pathPairHash over the pairs beyond the stored ones
                          // (the stored ones are hashed at the iteration's end)
  uint64_t filter = 0;    // 64-bit filter of the stored pairs: a clear bit = surely new
  uint64_t raw = 0;       // cheap order-dependent hash of the stored pairs (memo index)
  trace::PathPair pairs[trace::kMaxPathPairs];
};

struct LoopEntry {
  uint64_t id = 0;
  uintptr_t frame = 0;  // frame address of the loop's function
  uint64_t callsig = 0;
  uint64_t parent = 0;
  uint32_t slot = kNoSlot;  // LoopTable slot
  uint32_t node = 0;
  uint64_t baseN = 0;              // iterations of this (loop, callsig) before this invocation
  bool delay = false;              // delay fault active for this invocation
  bool delayEach = false;          // p= mode: draw per iteration
  std::atomic<uint64_t> iters{0};  // written by the owner thread only; read by the flusher
  PathAcc path;
};

struct CallsigCacheEntry {
  uintptr_t ra1 = 0, ra2 = 0;
  uint32_t gen = 0;
  uint64_t sig = 0;
};

// Per-thread direct-mapped cache of path keys known to be in the path table: exact (full
// 64-bit keys), so a path missing from it is looked up in the table, never assumed seen.
struct PathCacheEntry {
  uint64_t key = 0;
  uint32_t slot = kNoSlot;
};
inline constexpr uint32_t kPathCacheSize = 256;

// Per-thread memo of recent iteration paths by their exact pair list (recording order):
// an iteration whose pairs equal a memo entry's (same loop slot) has that entry's
// signature and path-table slot, found without hashing. Short paths only.
inline constexpr uint32_t kMemoPairs = 8;
inline constexpr uint32_t kMemoSize = 256;
struct PathMemo {
  uint64_t raw = 0;
  uint32_t loopSlot = kNoSlot, n = 0;
  uint32_t pathSlot = kNoSlot;
  trace::PathPair pairs[kMemoPairs];
};

struct ThreadState {
  std::atomic<uint32_t> inUse{0};
  std::atomic<uint32_t> depth{0};
  uint32_t node = 0;  // 0 = use the process default
  // Iterations whose path sampling skipped: per thread, a shared counter would cost an
  // atomic RMW per iteration. Summed at flush (and folded into Stats at thread exit).
  std::atomic<uint64_t> sampledOut{0};
  uintptr_t stackLo = 0, stackHi = 0;
  LoopEntry stack[kLoopStackDepth];
  PathCacheEntry pathCache[kPathCacheSize];
  PathMemo memo[kMemoSize];
  CallsigCacheEntry csCache[64];

  uint32_t effectiveNode() const { return node ? node : processNodeId(); }
  static uint32_t processNodeId();
  bool onStack(uintptr_t p) const { return p >= stackLo && p < stackHi; }
};

// The calling thread's state (initial-exec TLS: one %fs-relative load).
// (__thread, not thread_local: no C++ TLS init wrapper call on every access.)
extern __thread ThreadState *t_state __attribute__((tls_model("initial-exec")));
ThreadState *claimThreadState();
// The calling thread's state, claimed on first use; nullptr when the pool is exhausted.
inline ThreadState *threadState() {
  ThreadState *ts = t_state;
  if (__builtin_expect(ts != nullptr, 1)) return ts;
  ts = claimThreadState();
  t_state = ts;
  return ts;
}
// Calls fn(ts) for every claimed state (flusher, fork). Racy reads by design.
template <typename Fn>
void forEachThreadState(Fn fn);

ThreadState *threadStateAt(uint32_t i);  // pool slot i or nullptr
// Fork child: every state but the caller's belongs to a thread that no longer exists.
void releaseOtherThreadStates();

template <typename Fn>
void forEachThreadState(Fn fn) {
  for (uint32_t i = 0; i < kThreadPool; ++i) {
    ThreadState *ts = threadStateAt(i);
    if (!ts) break;
    if (ts->inUse.load(std::memory_order_acquire)) fn(ts);
  }
}

}  // namespace csnake::rt
