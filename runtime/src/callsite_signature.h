// CallSiteSignature: the two callers above a function, hashed ASLR-independently.
//
// From a function's frame address F (x86-64 frame-pointer chain: F[0] = caller's frame,
// F[1] = return address into the caller) take the return addresses into caller 1 and
// caller 2, map each to (module basename, offset in module) with a cached table built from
// dl_iterate_phdr (refreshed on a miss), and hash them. Frame pointers are trusted only if
// they lie within the thread's stack and increase; otherwise the walk stops (the missing
// frame hashes as 0). Raw addresses never enter a signature.
#pragma once

#include "thread_state.h"

namespace csnake::rt {

// Signature of the callers above the function whose frame is `frame`.
uint64_t callSiteSignature(ThreadState *ts, uintptr_t frame);
// ASLR-independent hash of a code address: (module basename, offset). Test helper too.
uint64_t codeLocationHash(uintptr_t addr);

}  // namespace csnake::rt
