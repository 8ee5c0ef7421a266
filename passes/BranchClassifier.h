//===- BranchClassifier.h - THROW guards and ERROR_RETURN branches --------===//
//
// Purpose: decide whether a conditional branch is a THROW guard, an ERROR_RETURN
// branch, or neither, and which successor is the fault side. Pure analysis, no IR
// changes; used by SiteDiscovery. The exact rules are documented in
// BranchClassifier.cpp (top of file).
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_BRANCHCLASSIFIER_H
#define CSNAKE_PASS_BRANCHCLASSIFIER_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <string>

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

struct PassOptions;

struct BranchVerdict {
  unsigned Kind = 0;        // 0 = neither, else CSNAKE_KIND_THROW / _ERROR_RETURN
  bool FaultOnTrue = false; // the fault side is the true successor
};

class BranchClassifier {
public:
  BranchClassifier(llvm::Function &F, llvm::LoopInfo &LI, const PassOptions &Opts);
  BranchVerdict classify(llvm::BranchInst *BI);

  /// call/invoke of __cxa_throw.
  static bool isThrowCall(const llvm::Instruction &I);
  /// Short C-like rendering of a branch condition ("rc < 0", "!ok()", "p == nullptr").
  static std::string renderCondition(llvm::Value *Cond);

private:
  enum Polarity { Unknown, ErrorOnTrue, ErrorOnFalse };
  struct CondInfo {
    llvm::CallBase *Root = nullptr;
    Polarity P = Unknown;
    llvm::SmallPtrSet<const llvm::Value *, 8> Tested; // call value + its storage
  };
  struct Evidence {
    bool Ret = false, RetErrConst = false, RetNonZero = false, Propagates = false;
    bool Cont = false, Break = false;
    unsigned Cost = 0;
    int primary() const { return Ret ? 3 : Cont ? 2 : Break ? 1 : 0; }
    // Side-effecting instructions on the walked path (real calls, stores/memory
    // intrinsics whose destination is not a local alloca).
    unsigned Work = 0;
  };
  /// What the other side's DAG walk reached, as seen by the error side's walk (rule 6).
  struct Spine {
    llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Blocks;   // every block walked
    llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Empty;    // entered with Work == 0
    llvm::SmallPtrSet<const llvm::BasicBlock *, 16> Dispatch; // left by a slot-resolved
                                                              // switch/branch
  };
  /// Union of the evidence of all paths of a side explored as a bounded DAG.
  struct DagEvidence {
    Evidence Any;              // flags: set when some path has them
    bool Work = false;         // some path does work before re-joining / exiting
    bool RejoinEmpty = false;  // some path reaches the other side before its first work
  };

  bool analyseCondition(llvm::Value *V, bool Negated, unsigned Depth, CondInfo &CI);
  llvm::CallBase *callSource(llvm::Value *V, unsigned Depth, CondInfo &CI);
  Evidence walk(llvm::BasicBlock *Branch, llvm::BasicBlock *Side, const CondInfo &CI,
                Spine *Record = nullptr);
  DagEvidence walkDag(llvm::BasicBlock *Branch, llvm::BasicBlock *Side, const CondInfo &CI,
                      const Spine &Other, Spine *Record = nullptr);
  bool isCompound(llvm::BranchInst *BI);
  bool isStateQuery(const CondInfo &CI);
  bool isWork(const llvm::Instruction &I) const;
  bool laidOutBefore(const llvm::BasicBlock *A, const llvm::BasicBlock *B);
  llvm::BasicBlock *hammockJoin(llvm::BranchInst *Br, llvm::Loop *Inner,
                                bool *ArmWork = nullptr);
  bool isLoopOwnTest(llvm::BranchInst *BI);

  llvm::Function &F;
  llvm::LoopInfo &LI;
  const PassOptions &Opts;
  llvm::DenseSet<const llvm::BasicBlock *> MustThrow;
  llvm::DenseMap<const llvm::BasicBlock *, unsigned> Layout; // lazily filled
};

} // namespace csnake

#endif
