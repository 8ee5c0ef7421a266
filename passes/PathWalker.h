//===- PathWalker.h - what one side of a conditional branch does ----------===//
//
// Purpose: walk forward from one successor ("side") of a conditional branch over
// pipeline-start IR and collect what that side does before it ends: whether it returns
// (and what), continues or leaves the enclosing loop, how much it costs, whether it does
// work. This is the evidence BranchClassifier weighs (rules (3)-(8) at the top of
// BranchClassifier.cpp). Pure analysis, no IR changes. Not a pass.
//
// One walker, two shapes -- they differ only in what happens at a *real decision* (a
// conditional branch or switch on something other than a clang cleanup/retval slot whose
// value the path knows):
//   Straight  the side's straight continuation: a decision whose arms are straight-line
//             and meet again (a hammock: `if (verbose) log(...)`) is stepped over, even
//             when they meet only at a return block, and its arms' work is not counted;
//             any other decision ends the walk. At most MaxPathBlocks blocks.
//   Dag       the side explored as a bounded DAG: a hammock is stepped over (its arms'
//             work counts) unless its arms meet only at a return block (what they
//             return differs), any other decision forks the path (every successor is
//             explored, each path with its own slot values). At most MaxPathBlocks
//             blocks per path and DagBlockFactor * MaxPathBlocks in all. A path stops
//             where it reaches a block of the `Other` spine (it re-joined the other side:
//             what follows is common), except blocks the other side left through a slot
//             dispatch and return blocks, where this path's own slot values still decide.
// Evidence flags are united over all paths.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_PATHWALKER_H
#define CSNAKE_PASS_PATHWALKER_H

#include "llvm/ADT/SmallPtrSet.h"

namespace llvm {
class BasicBlock;
class BranchInst;
class CallBase;
class Function;
class Instruction;
class Loop;
class LoopInfo;
class Value;
} // namespace llvm

namespace csnake {

/// The values a branch condition tests: the call result, the allocas holding it and the
/// object the call was made on. A path "propagates" when it returns one of them.
using TestedValues = llvm::SmallPtrSet<const llvm::Value *, 8>;

/// What a walk saw. Flags: set when some walked path has them.
struct PathEvidence {
  bool Ret = false;         // reaches a `ret`
  bool RetErrConst = false; // returns false (i1) / a negative integer / nullptr
  bool RetNonZero = false;  // returns a positive integer constant
  bool Propagates = false;  // returns (something derived from) a tested value
  bool Cont = false;        // enters the header or a latch of an enclosing loop
  bool Break = false;       // leaves the innermost loop enclosing the branch
  unsigned Cost = 0;        // non-free instructions walked (compared for Straight walks)
  bool Work = false;        // some path does work outside blocks of the other side
  bool RejoinEmpty = false; // some path reaches a block the other side entered before
                            // any work (Dag walks against a recorded spine)
  /// Ret beats Cont beats Break (rule (4)).
  int primary() const { return Ret ? 3 : Cont ? 2 : Break ? 1 : 0; }
};

/// What a walk reached, recorded for the walk of the other side (rules (6)-(8)).
struct Spine {
  llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Blocks;   // every block walked
  llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Empty;    // entered before any work
  llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Dispatch; // left by a slot-resolved
                                                            // switch/branch
};

class PathWalker {
public:
  enum Shape { Straight, Dag };
  /// All paths of a Dag walk together visit at most DagBlockFactor * MaxPathBlocks.
  static constexpr unsigned DagBlockFactor = 4;

  PathWalker(llvm::Function &F, llvm::LoopInfo &LI, unsigned MaxPathBlocks);

  /// Walk \p Side, a successor of the conditional branch ending \p Branch. \p Other is
  /// the other side's spine (empty: nothing re-joins); \p Record, when given, receives
  /// this walk's spine.
  PathEvidence walk(Shape S, llvm::BasicBlock *Branch, llvm::BasicBlock *Side,
                    const TestedValues &Tested, const Spine &Other,
                    Spine *Record = nullptr);

private:
  llvm::BasicBlock *hammockJoin(llvm::BranchInst *Br, llvm::Loop *Inner,
                                bool *ArmWork = nullptr);

  llvm::Function &F;
  llvm::LoopInfo &LI;
  unsigned MaxPathBlocks;
};

/// The object a pointer is based on (through GEPs and casts, a few levels): how the
/// walker and the classifier both recognise "the same local" behind different pointers.
llvm::Value *stripPtr(llvm::Value *P);
/// A call that is neither an LLVM intrinsic nor a csnake hook: it can do anything.
bool isRealCall(const llvm::CallBase *CB);
/// Debug, lifetime and assume-like intrinsics: clang's bookkeeping, never evidence.
bool isFreeInst(const llvm::Instruction &I);
/// An instruction with an effect outside the function's locals: a real call (logging,
/// cleanup, bookkeeping), a store or memory intrinsic whose destination is not an alloca.
bool isWork(const llvm::Instruction &I);

} // namespace csnake

#endif
