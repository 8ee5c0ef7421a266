//===- LoopFacts.cpp - per-loop facts for the site table ------------------===//
//
// Purpose: see LoopFacts.h.
//
//===----------------------------------------------------------------------===//
#include "LoopFacts.h"
#include "KnownCalls.h"
#include "Options.h"

#include "csnake/abi.h"

#include "llvm/ADT/Triple.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/PromoteMemToReg.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <algorithm>

using namespace llvm;

namespace csnake {

static bool isLocalSlot(const Value *Ptr) {
  const Value *U = getUnderlyingObject(Ptr, 6);
  auto *A = dyn_cast<AllocaInst>(U);
  return A && A->isStaticAlloca();
}

bool LoopFacts::countable(const Instruction &I) {
  if (isa<DbgInfoIntrinsic>(I) || isa<AllocaInst>(I) || isa<BitCastInst>(I))
    return false;
  if (auto *II = dyn_cast<IntrinsicInst>(&I))
    if (II->isLifetimeStartOrEnd() || II->isAssumeLikeIntrinsic())
      return false;
  // Control glue differs between -O0 and -O2 codegen (clang adds cleanup blocks for
  // lifetime markers at -O2): unconditional branches and switches on a local slot
  // (cleanup.dest) are not counted.
  if (auto *Br = dyn_cast<BranchInst>(&I))
    if (Br->isUnconditional())
      return false;
  if (auto *Sw = dyn_cast<SwitchInst>(&I))
    if (auto *L = dyn_cast<LoadInst>(Sw->getCondition()))
      if (isLocalSlot(L->getPointerOperand()))
        return false;
  if (auto *L = dyn_cast<LoadInst>(&I))
    return L->isVolatile() || !isLocalSlot(L->getPointerOperand());
  if (auto *S = dyn_cast<StoreInst>(&I))
    return S->isVolatile() || !isLocalSlot(S->getPointerOperand());
  return true;
}

static bool definedHere(const Function *F) {
  return F && !F->isDeclaration() && !F->hasAvailableExternallyLinkage();
}

bool LoopFacts::addCall(const CallBase &CB, uint64_t &Size, bool &IO) {
  const Function *Callee = CB.getCalledFunction();
  if (!Callee || Callee->isIntrinsic())
    return false;
  StringRef N = Callee->getName();
  bool Sleeps = isSleepName(N);
  if (definedHere(Callee)) {
    const Summary &S = summary(Callee);
    Size = std::min<uint64_t>(Size + S.Size, Opts.MaxLoopSize);
    IO |= S.IO;
    Sleeps |= S.Sleeps;
  } else if (Callee->isDeclaration() && isIOName(N)) {
    IO = true;
  }
  return Sleeps;
}

const LoopFacts::Summary &LoopFacts::summary(const Function *F) {
  Summary &S = Memo[F];
  if (S.Done || S.InProgress)
    return S; // cycle: the in-progress part counts as what is known so far
  S.InProgress = true;
  uint64_t Size = 0;
  bool IO = false;
  SmallVector<const BasicBlock *, 4> SleepBlocks, Returns;
  for (const BasicBlock &BB : *F) {
    if (isa<ReturnInst>(BB.getTerminator()))
      Returns.push_back(&BB);
    for (const Instruction &I : BB) {
      if (!countable(I))
        continue;
      ++Size;
      if (auto *CB = dyn_cast<CallBase>(&I))
        if (addCall(*CB, Size, IO))
          SleepBlocks.push_back(&BB);
      if (Size >= Opts.MaxLoopSize)
        break;
    }
  }
  // Sleeps on every path to a return: some sleeping block dominates all returns.
  bool Sleeps = false;
  if (!SleepBlocks.empty() && !Returns.empty()) {
    DominatorTree DT(const_cast<Function &>(*F));
    for (const BasicBlock *B : SleepBlocks)
      if (llvm::all_of(Returns, [&](const BasicBlock *R) { return DT.dominates(B, R); })) {
        Sleeps = true;
        break;
      }
  }
  Summary &S2 = Memo[F]; // the map may have grown
  S2.Size = std::min<uint64_t>(Size, Opts.MaxLoopSize);
  S2.IO = IO;
  S2.Sleeps = Sleeps;
  S2.Done = true;
  S2.InProgress = false;
  return S2;
}

LoopFacts::Facts LoopFacts::loopFacts(const Loop &L, bool ConstTrip, const DominatorTree &DT) {
  uint64_t Size = 0;
  bool IO = false, Sleeps = false;
  SmallVector<BasicBlock *, 4> Latches;
  L.getLoopLatches(Latches);
  for (const BasicBlock *BB : L.blocks())
    for (const Instruction &I : *BB) {
      if (!countable(I))
        continue;
      ++Size;
      if (auto *CB = dyn_cast<CallBase>(&I))
        if (addCall(*CB, Size, IO) && !Latches.empty() &&
            llvm::all_of(Latches, [&](const BasicBlock *Latch) { return DT.dominates(BB, Latch); }))
          Sleeps = true; // every iteration sleeps: a timer
    }
  Facts Fa;
  Fa.Size = (uint32_t)std::min<uint64_t>(Size, UINT32_MAX);
  if (IO)
    Fa.Flags |= CSNAKE_FLAG_LOOP_IO;
  if (Sleeps)
    Fa.Flags |= CSNAKE_FLAG_LOOP_SLEEPS;
  if (Size <= CSNAKE_SMALL_LOOP_INSTRUCTIONS)
    Fa.Flags |= CSNAKE_FLAG_LOOP_SMALL;
  if (ConstTrip)
    Fa.Flags |= CSNAKE_FLAG_LOOP_CONST_TRIP;
  return Fa;
}

DenseSet<const BasicBlock *> LoopFacts::constTripHeaders(Function &F, LoopInfo &OrigLI) {
  DenseSet<const BasicBlock *> Out;
  if (OrigLI.empty())
    return Out;
  ValueToValueMapTy VMap;
  Function *C = CloneFunction(&F, VMap);
  {
    DominatorTree DT(*C);
    AssumptionCache AC(*C);
    SmallVector<AllocaInst *, 16> Allocas;
    for (Instruction &I : C->getEntryBlock())
      if (auto *A = dyn_cast<AllocaInst>(&I))
        if (isAllocaPromotable(A))
          Allocas.push_back(A);
    if (!Allocas.empty())
      PromoteMemToReg(Allocas, DT, &AC);
    LoopInfo LI(DT);
    TargetLibraryInfoImpl TLII(Triple(F.getParent()->getTargetTriple()));
    TargetLibraryInfo TLI(TLII);
    ScalarEvolution SE(*C, TLI, AC, DT, LI);
    for (Loop *L : OrigLI.getLoopsInPreorder()) {
      auto It = VMap.find(L->getHeader());
      if (It == VMap.end())
        continue;
      auto *CH = cast<BasicBlock>(It->second);
      Loop *CL = LI.getLoopFor(CH);
      if (CL && CL->getHeader() == CH && SE.getSmallConstantTripCount(CL) > 0)
        Out.insert(L->getHeader());
    }
  }
  C->eraseFromParent();
  return Out;
}

} // namespace csnake
