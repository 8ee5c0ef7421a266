//===- LoopFacts.h - per-loop facts for the site table --------------------===//
//
// Purpose: the LOOP facts of abi.h: loop_size (instructions of the loop body plus,
// transitively, of the callees defined in the module -- bounded and cycle-safe),
// CSNAKE_FLAG_LOOP_IO, CSNAKE_FLAG_LOOP_SLEEPS, CSNAKE_FLAG_LOOP_SMALL and
// CSNAKE_FLAG_LOOP_CONST_TRIP (ScalarEvolution on a mem2reg'd throw-away clone of the
// function, because pipeline-start IR keeps induction variables in allocas).
// Callee summaries are computed on the IR before any instrumentation.
//
// SLEEPS marks a timer: a loop that sleeps on *every* iteration (a sleeping call in a
// block that dominates every latch; a call sleeps when the callee, defined in the
// module, sleeps on every path to its returns). A loop that sleeps on one branch only
// (a backoff after a failure, a throttle, a test's slowness knob) is paced by its work,
// not by a clock, and stays a delay candidate.
//
// Instruction counting ignores what mem2reg/SROA would delete: debug and lifetime
// intrinsics, allocas, no-op casts, loads/stores of local allocas, and control glue
// (unconditional branches, switches on clang's cleanup slots). The count is thus the
// same for -O0 and -O2 pipeline-start IR.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_LOOPFACTS_H
#define CSNAKE_PASS_LOOPFACTS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cstdint>

namespace llvm {
class BasicBlock;
class CallBase;
class DominatorTree;
class Function;
class Instruction;
class Loop;
class LoopInfo;
} // namespace llvm

namespace csnake {

struct PassOptions;

class LoopFacts {
public:
  explicit LoopFacts(const PassOptions &Opts) : Opts(Opts) {}

  struct Facts {
    uint32_t Size = 0;
    uint32_t Flags = 0; // CSNAKE_FLAG_LOOP_*
  };
  /// Facts of \p L; \p ConstTrip from constTripHeaders(), \p DT of L's function.
  Facts loopFacts(const llvm::Loop &L, bool ConstTrip, const llvm::DominatorTree &DT);

  /// Headers of the loops of \p F with a small constant trip count.
  static llvm::DenseSet<const llvm::BasicBlock *> constTripHeaders(llvm::Function &F,
                                                                   llvm::LoopInfo &LI);
  static bool countable(const llvm::Instruction &I);

private:
  struct Summary {
    uint64_t Size = 0;
    // Sleeps: on every path from the entry to a return.
    bool IO = false, Sleeps = false, Done = false, InProgress = false;
  };
  const Summary &summary(const llvm::Function *F);
  /// Adds the call's size and IO; returns whether the call sleeps (every time).
  bool addCall(const llvm::CallBase &CB, uint64_t &Size, bool &IO);

  const PassOptions &Opts;
  llvm::DenseMap<const llvm::Function *, Summary> Memo;
};

} // namespace csnake

#endif
