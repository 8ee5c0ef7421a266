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
// per doubling beyond 64), or the (loop, call site, path) is not yet in the thread's
// 16384-bit seen filter (a new path is always recorded unless the filter has a false
// positive). Path counts in the trace are therefore sampled counts; exact iteration
// totals are in the loop records.
#pragma once

#include "thread_state.h"

namespace csnake::rt {

void popStale(ThreadState *ts, uintptr_t frame);
void loopEnter(ThreadState *ts, uint64_t id, uintptr_t frame);
void loopIter(ThreadState *ts, uint64_t id, uintptr_t frame);
void loopExit(ThreadState *ts, uint64_t id, uintptr_t frame);
// Innermost active loop (after popStale), nullptr if none.
LoopEntry *innermost(ThreadState *ts);
// Adds (site, value) to the current iteration of the innermost loop.
void recordDecision(ThreadState *ts, uint64_t site, uint32_t value);
// Finalises every entry (thread exit).
void finalizeAll(ThreadState *ts);
// Fork child: re-claim table slots for the caller's active loops (tables were reset).
void reclaimAfterFork(ThreadState *ts);
// The sampling rule above, for iteration index n (exposed for tests).
bool sampledIteration(uint64_t n);

}  // namespace csnake::rt
