// TraceWriter: serialises the tables into a preallocated buffer and writes
// TRACE_DIR/<node-or-"proc">-<pid>.cstrace atomically (write to a dot-tmp file, rename).
// Async-signal-safe: no malloc, no locks, only write/open/rename/unlink syscalls. The
// caller (Flusher) guarantees one writer at a time.
#pragma once

#include "rt_common.h"

namespace csnake::rt {

// Allocates the serialisation buffer (mmap; once, at init).
bool initTraceWriter();
// Serialises and writes the trace file. Returns false on I/O failure.
bool writeTrace(trace::FlushReason reason, int signo);
// Fork child: forget the parent's file name and flush count.
void resetTraceWriterAfterFork();

}  // namespace csnake::rt
