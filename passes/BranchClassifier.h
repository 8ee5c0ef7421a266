//===- BranchClassifier.h - THROW guards and ERROR_RETURN branches --------===//
//
// Purpose: decide whether a conditional branch is a THROW guard, an ERROR_RETURN
// branch, or neither, and which successor is the fault side. Pure analysis, no IR
// changes; used by SiteDiscovery. The exact rules are documented in
// BranchClassifier.cpp (top of file); the evidence of each side comes from PathWalker.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_BRANCHCLASSIFIER_H
#define CSNAKE_PASS_BRANCHCLASSIFIER_H

#include "PathWalker.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

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

private:
  enum Polarity { Unknown, ErrorOnTrue, ErrorOnFalse };
  struct CondInfo {
    llvm::CallBase *Root = nullptr;
    Polarity P = Unknown;
    TestedValues Tested; // call value + its storage
  };

  bool analyseCondition(llvm::Value *V, bool Negated, unsigned Depth, CondInfo &CI);
  llvm::CallBase *callSource(llvm::Value *V, unsigned Depth, CondInfo &CI);
  bool isCompound(llvm::BranchInst *BI);
  bool isStateQuery(const CondInfo &CI);
  bool laidOutBefore(const llvm::BasicBlock *A, const llvm::BasicBlock *B);
  bool isLoopOwnTest(llvm::BranchInst *BI);

  llvm::Function &F;
  llvm::LoopInfo &LI;
  const PassOptions &Opts;
  llvm::DenseSet<const llvm::BasicBlock *> MustThrow;
  llvm::DenseMap<const llvm::BasicBlock *, unsigned> Layout; // lazily filled
};

} // namespace csnake

#endif
