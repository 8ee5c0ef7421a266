//===- Instrumenter.h - insert the runtime hooks --------------------------===//
//
// Purpose: rewrite one function's IR for its discovered sites. Every hook is behind the
// inline disarmed check
//     %s = load atomic i8, state[i] monotonic   ; monotonic: never hoisted out of loops
//     %on = icmp ne i8 %s, 0
//     br i1 %on, label %hook, label %cont, !prof (unlikely)
// and nothing else runs on the disarmed path. Shapes:
//   LOOP    enter/exit hooks on the edges into the header from outside and on the exit
//           edges (split as needed; edges into EH pads are skipped -- the runtime drops
//           stale loop entries by frame), iter hook at the header; frame =
//           llvm.frameaddress(0), computed on the hook path only.
//   THROW guard / ERROR_RETURN
//           cond' = state[i] ? (__csnake_fault_branch(id, zext cond) != 0) : cond
//   BRANCH  state[i] ? __csnake_branch(id, zext cond) : ; then the original branch
//   THROW plain   state[i] ? __csnake_throw(id) : ; right before __cxa_throw
//   LIBCALL the call is replaced by
//           state[i] ? (__csnake_libcall_before(id) ? -1/NULL
//                                                   : (r = call, after(id, r, isptr), r))
//                    : call
// Hooks are declared nounwind (they never throw), so plain calls are fine inside try.
// Functions are checked before any change (unsupported()): a function whose sites do not
// match its IR is left alone, with one warning, rather than half-instrumented.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_INSTRUMENTER_H
#define CSNAKE_PASS_INSTRUMENTER_H

#include "Site.h"

#include "llvm/IR/IRBuilder.h"

#include <string>
#include <vector>

namespace llvm {
class GlobalVariable;
class MDNode;
class Module;
} // namespace llvm

namespace csnake {

class Instrumenter {
public:
  Instrumenter(llvm::Module &M, llvm::GlobalVariable *State);
  /// Why \p F cannot be instrumented for \p Sites (its sites, in discovery order), or
  /// the empty string. Read-only: call it before the module is changed, and instrument
  /// only the functions it accepts.
  static std::string unsupported(const llvm::Function &F,
                                 const std::vector<const Site *> &Sites);
  /// \p Sites: the sites of \p F, in discovery order (accepted by unsupported()).
  /// Returns the problems met while emitting (an edge hook that could not be placed is
  /// left out, the IR stays valid), empty when there were none.
  std::string instrument(llvm::Function &F, const std::vector<const Site *> &Sites);

private:
  llvm::Value *stateOn(llvm::IRBuilder<> &B, unsigned Index);
  llvm::Instruction *insertCheck(llvm::Instruction *Before, unsigned Index,
                                 llvm::Value **OnOut = nullptr);
  llvm::Instruction *insertCheckOn(llvm::Instruction *Before, llvm::Value *On);
  llvm::Instruction *edgeAnchor(llvm::Instruction *FromTerm, llvm::BasicBlock *To,
                                std::string &Problem);
  llvm::Value *loopHook(llvm::Instruction *Anchor, const Site &S,
                        llvm::FunctionCallee Hook);
  void faultBranch(const Site &S);
  void plainBranch(const Site &S, llvm::Value *LoopOn);
  void plainThrow(const Site &S);
  void libcall(const Site &S);
  llvm::ConstantInt *id(const Site &S);

  llvm::Module &M;
  llvm::LLVMContext &C;
  llvm::GlobalVariable *State;
  llvm::Type *I8, *I32, *I64, *I8P;
  llvm::MDNode *Unlikely;
  llvm::FunctionCallee LoopEnter, LoopIter, LoopExit, FaultBranchFn, BranchFn, ThrowFn,
      LibBefore, LibAfter;
  llvm::Function *FrameAddress;
};

} // namespace csnake

#endif
