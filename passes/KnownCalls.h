//===- KnownCalls.h - callee name sets ------------------------------------===//
//
// Purpose: the names the pass recognises on *declared* (not defined) callees:
//   LIBCALL sites (libc calls that can fail and that csnake replaces),
//   I/O (CSNAKE_FLAG_LOOP_IO) and sleeps/timed waits (CSNAKE_FLAG_LOOP_SLEEPS).
// I/O = every LIBCALL name + stdio reads/writes (printf family, puts, fwrite, fread,
// fgets, getline, ...) and sendfile/splice/ioctl. std::ostream/std::istream member calls
// are deliberately *not* I/O: they are mostly logging into string streams and would mark
// nearly every loop.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_KNOWNCALLS_H
#define CSNAKE_PASS_KNOWNCALLS_H

#include "llvm/ADT/StringRef.h"

namespace csnake {

bool isLibcallName(llvm::StringRef Name);
bool isIOName(llvm::StringRef Name);
bool isSleepName(llvm::StringRef Name);

} // namespace csnake

#endif
