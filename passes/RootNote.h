//===- RootNote.h - record the instrumentation root in the object ---------===//
//
// Purpose: every module the pass instruments, with sites or without, records the root
// it used in CSNAKE_ROOTS_SECTION (abi.h). A binary whose sources all lie outside the
// root has no site table; this note is how `csnake campaign` tells that binary from one
// built without csnake, and names the root in its message.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_ROOTNOTE_H
#define CSNAKE_PASS_ROOTNOTE_H

#include "llvm/ADT/StringRef.h"

namespace llvm {
class Module;
}

namespace csnake {

void recordInstrumentationRoot(llvm::Module &M, llvm::StringRef Root);

} // namespace csnake

#endif
