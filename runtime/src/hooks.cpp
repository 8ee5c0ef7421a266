// The ABI entry points (csnake/abi.h) — the only symbols the library exports. Each hook
// is called only when its site's state byte is non-zero (the pass inlines that check), so
// nothing here runs on the disarmed path. Hooks never throw, lock or call malloc.
#include "armed_fault.h"
#include "callsite_signature.h"
#include "loop_stack.h"
#include "node_names.h"
#include "site_registry.h"
#include "thread_state.h"
#include "trace_tables.h"

#include <cerrno>

#define CSNAKE_EXPORT extern "C" __attribute__((visibility("default")))
// The event hooks read their caller's frame, so they must have a frame of their own.
#define CSNAKE_HOOK CSNAKE_EXPORT __attribute__((noinline))

using namespace csnake::rt;

namespace {

inline bool ready() {
  if (__builtin_expect(config().initState.load(std::memory_order_relaxed) == 2, 1)) return true;
  ensureInitialised();
  return true;
}

// Frame of the function that called the hook (the hook's saved frame pointer).
#define CALLER_FRAME() (reinterpret_cast<uintptr_t *>(__builtin_frame_address(0))[0])

struct SiteContext {
  ThreadState *ts;
  uint64_t context;
  uint32_t kind;
  uint32_t flags;
};

inline SiteContext enterSite(uint64_t site, uintptr_t callerFrame) {
  SiteContext c{threadState(), 0, 0, 0};
  if (const SiteInfo *s = findSite(site)) {
    c.kind = s->kind;
    c.flags = s->flags;
  }
  if (c.ts) {
    popStale(c.ts, callerFrame);
    if (LoopEntry *e = innermost(c.ts)) c.context = e->id;
  }
  return c;
}

inline void event(const SiteContext &c, uint64_t site, uintptr_t callerFrame, bool occur, bool injected, int err) {
  if (!config().tracing) return;
  uint64_t sig = callSiteSignature(c.ts, callerFrame);
  uint32_t node = c.ts ? c.ts->effectiveNode() : processNode();
  recordEvent(site, c.context, sig, node, c.kind, true, occur, injected, err);
}

inline bool shouldFire(uint64_t site, uint64_t context) {
  ArmedFault &af = armedFault();
  return af.isFault(site) && af.contextMatches(context) && af.decide();
}

}  // namespace

CSNAKE_EXPORT void __csnake_register_module(const csnake_module_header *table, uint8_t *state) {
  ensureInitialised();
  registerModule(table, state);
}

CSNAKE_EXPORT void __csnake_loop_enter(uint64_t loop_id, void *frame) {
  ready();
  if (ThreadState *ts = threadState()) loopEnter(ts, loop_id, reinterpret_cast<uintptr_t>(frame));
}

CSNAKE_EXPORT void __csnake_loop_iter(uint64_t loop_id, void *frame) {
  ThreadState *ts = t_state;
  if (__builtin_expect(ts == nullptr, 0)) {
    ready();
    if (!(ts = threadState())) return;
  }
  loopIter(ts, loop_id, reinterpret_cast<uintptr_t>(frame));
}

CSNAKE_EXPORT void __csnake_loop_exit(uint64_t loop_id, void *frame) {
  ready();
  if (ThreadState *ts = threadState()) loopExit(ts, loop_id, reinterpret_cast<uintptr_t>(frame));
}

CSNAKE_HOOK int __csnake_fault_branch(uint64_t site_id, int cond) {
  ready();
  uintptr_t caller = CALLER_FRAME();
  SiteContext c = enterSite(site_id, caller);
  bool faultSide = (c.flags & CSNAKE_FLAG_FAULT_ON_TRUE) != 0;
  bool taken = (cond != 0) == faultSide;
  bool injected = false;
  if (!taken && !(c.flags & CSNAKE_FLAG_PLAIN_THROW) && shouldFire(site_id, c.context)) {
    injected = true;
    taken = true;
    armedFault().recordFire();
  }
  // Forced: the fault side's condition value; otherwise the caller's exact value.
  int result = injected ? int(faultSide) : cond;
  if (c.ts && config().tracing) recordDecision(c.ts, site_id, result ? 1u : 0u);
  event(c, site_id, caller, taken, injected, 0);
  return result;
}

CSNAKE_HOOK void __csnake_branch(uint64_t site_id, int cond) {
  // A BRANCH site sits inside a loop whose iter hook ran first on this thread, so the
  // thread state exists and the runtime is initialised; otherwise there is no path.
  ThreadState *ts = t_state;
  if (__builtin_expect(ts == nullptr || !config().tracing, 0)) return;
  uint32_t d = ts->depth.load(std::memory_order_relaxed);
  if (__builtin_expect(d == 0, 0)) return;
  LoopEntry *e = &ts->stack[d - 1];
  uintptr_t caller = CALLER_FRAME();
  if (__builtin_expect(e->frame < caller, 0)) {  // stale entries on top (popStale's test)
    popStale(ts, caller);
    if (!(e = innermost(ts))) return;
  }
  if (e->path.active) addPair(e->path, site_id, cond ? 1u : 0u);
}

CSNAKE_HOOK void __csnake_throw(uint64_t site_id) {
  ready();
  uintptr_t caller = CALLER_FRAME();
  SiteContext c = enterSite(site_id, caller);
  if (c.ts && config().tracing) recordDecision(c.ts, site_id, uint32_t(csnake::trace::PathValue::Event));
  event(c, site_id, caller, true, false, 0);
}

CSNAKE_HOOK int __csnake_libcall_before(uint64_t site_id) {
  ready();
  int savedErrno = errno;
  uintptr_t caller = CALLER_FRAME();
  SiteContext c = enterSite(site_id, caller);
  if (shouldFire(site_id, c.context)) {
    armedFault().recordFire();
    if (c.ts && config().tracing) recordDecision(c.ts, site_id, uint32_t(csnake::trace::PathValue::Event));
    int err = armedFault().plan.errnoValue;
    event(c, site_id, caller, true, true, err);
    errno = err;
    return 1;
  }
  event(c, site_id, caller, false, false, 0);
  errno = savedErrno;
  return 0;
}

CSNAKE_HOOK void __csnake_libcall_after(uint64_t site_id, int64_t result, int is_pointer) {
  bool failed = is_pointer ? result == 0 : result == -1;
  if (!failed) return;
  int err = errno;  // the real call's errno: read before anything can clobber it
  ready();
  uintptr_t caller = CALLER_FRAME();
  if (config().tracing) {
    ThreadState *ts = threadState();
    uint64_t context = 0;
    uint32_t kind = 0;
    if (const SiteInfo *s = findSite(site_id)) kind = s->kind;
    if (ts) {
      popStale(ts, caller);
      if (LoopEntry *e = innermost(ts)) context = e->id;
      recordDecision(ts, site_id, uint32_t(csnake::trace::PathValue::Event));
    }
    // The reach was counted by _before: count the occurrence only.
    uint64_t sig = callSiteSignature(ts, caller);
    uint32_t node = ts ? ts->effectiveNode() : processNode();
    recordEvent(site_id, context, sig, node, kind, false, true, false, err);
  }
  errno = err;
}

CSNAKE_EXPORT void csnake_set_node(const char *name) {
  uint32_t id = internNode(name);
  if (ThreadState *ts = threadState()) ts->node = id;
  setProcessNodeFromApi(id);
}
