// Flusher: decides when the trace is written — periodically from a background thread
// (every ~100 ms when something changed, so kill -9 and _exit lose at most one period),
// at exit (atexit + the library destructor, which runs after the executable's static
// destructors), and on fatal signals (SignalHandlers). One writer at a time (spin lock
// with an owner tid so a signal arriving during a flush on the same thread skips instead
// of deadlocking). fork(): the child resets its tables and pid and starts its own flusher.
#pragma once

#include "rt_common.h"

namespace csnake::rt {

// Flushes now. `fromSignal`: bounded wait for the lock, skip if this thread holds it.
void flushNow(trace::FlushReason reason, int signo, bool fromSignal);
// Starts the periodic thread and registers atexit/atfork handlers (init, tracing only).
void startFlusher();
// Registers pthread_atfork handlers (init, always).
void installForkHandlers();

}  // namespace csnake::rt
