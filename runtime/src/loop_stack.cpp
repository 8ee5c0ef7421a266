// LoopStack implementation.
#include "loop_stack.h"

#include "armed_fault.h"
#include "callsite_signature.h"
#include "trace_tables.h"

#include <cerrno>
#include <ctime>

namespace csnake::rt {

namespace {

void sleepMs(uint32_t ms) {
  timespec ts{time_t(ms / 1000), long(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

}  // namespace

namespace {
void remember(ThreadState *ts, const LoopEntry &e, uint32_t pathSlot) {
  const PathAcc &p = e.path;
  if (p.n > kMemoPairs) return;
  PathMemo &m = ts->memo[memoIndex(p.raw, e.slot)];
  m.raw = p.raw;
  m.n = p.n;
  m.loopSlot = e.slot;
  m.pathSlot = pathSlot;
  for (uint32_t i = 0; i < p.n; ++i) m.pairs[i] = p.pairs[i];
}
}  // namespace

void countPath(uint32_t pathSlot) {
  pathTable().slots[pathSlot].count.fetch_add(1, std::memory_order_relaxed);
  markDirty();
}

void recordIterationPath(ThreadState *ts, LoopEntry &e, uint64_t sig, bool sampled) {
  if (e.path.overflow) bump(stats().pathPairOverflow);
  uint64_t key = pathKey(e, sig);
  PathCacheEntry &c = ts->pathCache[(key >> 40) & (kPathCacheSize - 1)];
  uint32_t slot;
  if (c.key == key && c.slot != kNoSlot) {
    slot = c.slot;  // in the table already: count only sampled iterations
    if (sampled) {
      countPath(slot);
    } else {
      ts->sampledOut.store(ts->sampledOut.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
  } else {
    bool claimed = false;
    slot = recordPath(e, sig, key, sampled, claimed);
    if (slot == kNoSlot) return;  // table full: dropped (counted), retried next time
    if (!claimed && !sampled)
      ts->sampledOut.store(ts->sampledOut.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    c.key = key;
    c.slot = slot;
  }
  remember(ts, e, slot);
}

namespace {

void finalizeInvocation(ThreadState *ts, LoopEntry &e) {
  finalizeIteration(ts, e);
  if (config().tracing) recordInvocation(e.slot, e.iters.load(std::memory_order_relaxed));
}

// Pops entries above index `keep` (exclusive), finalising them.
void popTo(ThreadState *ts, uint32_t keep) {
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  while (d > keep) {
    finalizeInvocation(ts, ts->stack[d - 1]);
    --d;
    ts->depth.store(d, std::memory_order_release);
  }
}

// Index+1 of the topmost entry (id, frame) among the same-frame entries at the top, 0 if none.
uint32_t findSameFrame(ThreadState *ts, uint64_t id, uintptr_t frame) {
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  for (uint32_t i = d; i > 0; --i) {
    const LoopEntry &e = ts->stack[i - 1];
    if (e.frame != frame) return 0;
    if (e.id == id) return i;
  }
  return 0;
}

LoopEntry *push(ThreadState *ts, uint64_t id, uintptr_t frame) {
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  if (d >= kLoopStackDepth) {
    bump(stats().loopStackOverflow);
    return nullptr;
  }
  LoopEntry &e = ts->stack[d];
  e.id = id;
  e.frame = frame;
  e.parent = d ? ts->stack[d - 1].id : 0;
  e.node = ts->effectiveNode();
  e.iters.store(0, std::memory_order_relaxed);
  resetPath(e.path);
  e.delay = false;
  e.delayEach = false;
  if (config().tracing) {
    e.callsig = callSiteSignature(ts, frame);
    e.slot = loopSlot(id, e.callsig, e.node, e.parent);
    e.baseN = e.slot == kNoSlot ? 0 : loopTable().slots[e.slot].iterations.load(std::memory_order_relaxed);
  } else {
    e.callsig = 0;
    e.slot = kNoSlot;
    e.baseN = 0;
  }
  ArmedFault &af = armedFault();
  if (af.isFault(id) && af.plan.delayMs &&
      (af.plan.context == 0 || af.plan.context == id || af.plan.context == e.parent)) {
    if (af.plan.mode == trace::PlanMode::Probability)
      e.delayEach = af.pastSkip();
    else
      e.delay = af.decide();
  }
  ts->depth.store(d + 1, std::memory_order_release);
  return &e;
}

}  // namespace

void popStale(ThreadState *ts, uintptr_t frame) {
  if (!ts->onStack(frame)) return;
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  uint32_t keep = d;
  while (keep > 0 && ts->stack[keep - 1].frame < frame) --keep;
  if (keep != d) popTo(ts, keep);
}

void loopEnter(ThreadState *ts, uint64_t id, uintptr_t frame) {
  popStale(ts, frame);
  // Same loop, same frame on top: its previous invocation never reached an exit edge
  // (left by an exception and re-entered from the same caller): finish it and start over.
  if (uint32_t i = findSameFrame(ts, id, frame)) popTo(ts, i - 1);
  push(ts, id, frame);
}

void loopIterSlow(ThreadState *ts, uint64_t id, uintptr_t frame) {
  popStale(ts, frame);
  LoopEntry *e;
  if (uint32_t i = findSameFrame(ts, id, frame)) {
    popTo(ts, i);  // inner loops of this function left without exit (goto, break out)
    e = &ts->stack[i - 1];
  } else {
    e = push(ts, id, frame);  // enter was missed (stack overflow earlier): start here
    if (!e) return;
  }
  finalizeIteration(ts, *e);
  e->iters.store(e->iters.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  e->path.active = true;
  if (e->delay || (e->delayEach && armedFault().draw())) {
    armedFault().recordFire();
    sleepMs(armedFault().plan.delayMs);
  }
}

void loopExit(ThreadState *ts, uint64_t id, uintptr_t frame) {
  popStale(ts, frame);
  if (uint32_t i = findSameFrame(ts, id, frame)) popTo(ts, i - 1);
}

void finalizeAll(ThreadState *ts) { popTo(ts, 0); }

void reclaimAfterFork(ThreadState *ts) {
  if (!ts) return;
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < d; ++i) {
    LoopEntry &e = ts->stack[i];
    e.slot = config().tracing ? loopSlot(e.id, e.callsig, e.node, e.parent) : kNoSlot;
    e.baseN = 0;
  }
  for (auto &c : ts->pathCache) c = PathCacheEntry{};
  for (auto &m : ts->memo) m.loopSlot = kNoSlot;
}

}  // namespace csnake::rt
