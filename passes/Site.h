//===- Site.h - one discovered fault site ---------------------------------===//
//
// Purpose: the in-memory form of a site, shared by discovery (which fills it from the
// IR), the table emitter (which serialises the abi.h record) and the instrumenter
// (which uses the IR anchors). Plain data, no logic.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_SITE_H
#define CSNAKE_PASS_SITE_H

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <utility>

namespace llvm {
class BasicBlock;
class Instruction;
class Function;
} // namespace llvm

namespace csnake {

struct Site {
  unsigned Kind = 0;  // enum csnake_site_kind
  uint32_t Flags = 0; // enum csnake_site_flag
  uint64_t Id = 0;
  uint64_t ParentLoop = 0;
  unsigned Line = 0, Column = 0;
  int RelLine = 0;
  unsigned Ordinal = 0;
  uint32_t LoopSize = 0;
  std::string File, Function, Detail;
  unsigned StateIndex = 0; // index into the module's state array

  // IR anchors (valid until the function is instrumented).
  llvm::Function *Fn = nullptr;
  /// THROW guard / ERROR_RETURN / BRANCH: the conditional branch; LIBCALL: the call;
  /// plain THROW: the __cxa_throw call/invoke. LOOP: null.
  llvm::Instruction *Inst = nullptr;
  /// LOOP: header, entering edges (outside -> header), exit edges (inside -> outside).
  llvm::BasicBlock *Header = nullptr;
  llvm::SmallVector<std::pair<llvm::BasicBlock *, llvm::BasicBlock *>, 2> Entering, Exits;
  unsigned LoopDepth = 0;
};

} // namespace csnake

#endif
