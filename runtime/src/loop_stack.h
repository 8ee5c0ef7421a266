// LoopStack: the per-thread stack of active loops and each loop's current iteration path.
//
// Frames: x86-64 stacks grow down, so an entry whose frame is below the current frame
// belongs to a function that was left without calling exit (exception, longjmp): every
// hook first pops such stale entries (only when the current frame lies on this thread's
// stack, so fibers/alt stacks don't wipe it). Entries with the same frame are loops of the
// same function (nested loops).
//
// Sampling rule for iteration paths (keeps memory and time bounded): let n be the 0-based
// index of the iteration among all iterations of its (loop, call site) — iterations of
// finished invocations when this one started plus the index inside this invocation. The
// path is recorded when n < 64, or n is a multiple of 2^(floor(log2 n) - 5) (32 samples
// per doubling beyond 64), or the (loop, call site, path) is not yet in the path table.
// "Not yet in the table" is decided exactly (an entry's previous path, then a per-thread
// cache of full 64-bit path keys, then the shared table itself), so a new path — however
// rare — is always recorded unless the table is full (counted in Stats.pathsDropped).
// Path counts in the trace are therefore sampled counts; exact iteration totals are in
// the loop records.
#pragma once

#include "thread_state.h"

namespace csnake::rt {

void popStale(ThreadState *ts, uintptr_t frame);
void loopEnter(ThreadState *ts, uint64_t id, uintptr_t frame);
void loopIterSlow(ThreadState *ts, uint64_t id, uintptr_t frame);
void loopExit(ThreadState *ts, uint64_t id, uintptr_t frame);
// Innermost active loop (after popStale), nullptr if none.
inline LoopEntry *innermost(ThreadState *ts) {
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  return d ? &ts->stack[d - 1] : nullptr;
}
// Finalises every entry (thread exit).
void finalizeAll(ThreadState *ts);
// Fork child: re-claim table slots for the caller's active loops (tables were reset).
void reclaimAfterFork(ThreadState *ts);
// The sampling rule above, for iteration index n (exposed for tests).
inline bool sampledIteration(uint64_t n) {
  if (n < kSampleAll) return true;
  uint32_t log2 = 63u - uint32_t(__builtin_clzll(n));
  uint64_t step = 1ull << (log2 - 5);  // n in [2^log2, 2^(log2+1)): 32 multiples of step
  return (n & (step - 1)) == 0;
}
// Slow part of finalizeIteration: the path is not the entry's previous one, or the
// iteration is sampled.
void recordIterationPath(ThreadState *ts, LoopEntry &e, uint64_t sig, bool sampled);
void countPath(uint32_t pathSlot);

// ---- hot paths, inlined into the hooks ----

// Adds (site, value) to the path of E's current iteration (a deduplicated set).
inline void addPair(PathAcc &p, uint64_t site, uint32_t value) {
  uint64_t h = site * 0x9e3779b97f4a7c15ull + value;
  uint64_t bit = 1ull << (h >> 58);
  if (p.filter & bit) {
    uint32_t stored = p.n < trace::kMaxPathPairs ? p.n : trace::kMaxPathPairs;
    for (uint32_t i = 0; i < stored; ++i)
      if (p.pairs[i].site == site && p.pairs[i].value == value) return;
  }
  if (p.n < trace::kMaxPathPairs) {
    p.pairs[p.n].site = site;
    p.pairs[p.n].value = value;
    p.pairs[p.n].reserved = 0;
    p.filter |= bit;
    p.raw = (p.raw ^ h) * 0xff51afd7ed558ccdull;
  } else {
    p.overflow = true;
    p.sum += trace::pathPairHash(site, value);
  }
  p.n++;
}

// Adds (site, value) to the current iteration of the innermost loop.
inline void recordDecision(ThreadState *ts, uint64_t site, uint32_t value) {
  LoopEntry *e = innermost(ts);
  if (!e || !e->path.active) return;
  addPair(e->path, site, value);
}

// The signature of P's set: the stored pairs hashed now, plus the overflow pairs' sum.
inline uint64_t pathSignatureOf(const PathAcc &p) {
  uint32_t stored = p.n < trace::kMaxPathPairs ? p.n : trace::kMaxPathPairs;
  uint64_t sum = p.sum;
  for (uint32_t i = 0; i < stored; ++i) sum += trace::pathPairHash(p.pairs[i].site, p.pairs[i].value);
  return trace::pathSignature(sum, p.n);
}

inline uint32_t memoIndex(uint64_t raw, uint32_t loopSlot) {
  return uint32_t(((raw ^ (uint64_t(loopSlot) * 0x9e3779b97f4a7c15ull)) >> 40) & (kMemoSize - 1));
}

// The memo entry holding exactly E's current pairs (see PathMemo), or nullptr.
inline const PathMemo *memoLookup(ThreadState *ts, const LoopEntry &e) {
  const PathAcc &p = e.path;
  if (p.n > kMemoPairs) return nullptr;  // also excludes overflow
  const PathMemo &m = ts->memo[memoIndex(p.raw, e.slot)];
  if (m.raw != p.raw || m.n != p.n || m.loopSlot != e.slot) return nullptr;
  uint64_t diff = 0;  // branch-free compare (PathPair.reserved is always 0)
  for (uint32_t i = 0; i < p.n; ++i)
    diff |= (m.pairs[i].site ^ p.pairs[i].site) | (m.pairs[i].value ^ p.pairs[i].value);
  return diff ? nullptr : &m;
}

inline void resetPath(PathAcc &p) {
  p.active = false;
  p.overflow = false;
  p.n = 0;
  p.sum = 0;
  p.filter = 0;
  p.raw = 0;
}

// Ends the current iteration of E: records its path when it is new for this (loop, call
// site) or the iteration is sampled (see above), else counts it as sampled out.
inline void finalizeIteration(ThreadState *ts, LoopEntry &e) {
  PathAcc &p = e.path;
  if (!p.active) return;
  if (config().tracing && e.slot != kNoSlot) {
    uint64_t iter = e.iters.load(std::memory_order_relaxed);
    bool sampled = sampledIteration(e.baseN + (iter ? iter - 1 : 0));
    if (const PathMemo *m = memoLookup(ts, e)) {  // a known path
      if (__builtin_expect(!sampled, 1))
        ts->sampledOut.store(ts->sampledOut.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      else
        countPath(m->pathSlot);
    } else {
      recordIterationPath(ts, e, pathSignatureOf(p), sampled);
    }
  }
  resetPath(p);
}

// Iteration hook: the common case is the loop on top of the stack, same frame.
inline void loopIter(ThreadState *ts, uint64_t id, uintptr_t frame) {
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  if (__builtin_expect(d != 0, 1)) {
    LoopEntry &e = ts->stack[d - 1];
    if (__builtin_expect(e.id == id && e.frame == frame && !e.delay && !e.delayEach, 1)) {
      finalizeIteration(ts, e);
      e.iters.store(e.iters.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      e.path.active = true;
      return;
    }
  }
  loopIterSlow(ts, id, frame);
}

}  // namespace csnake::rt
