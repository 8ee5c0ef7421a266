//===- PathWalker.cpp - what one side of a conditional branch does --------===//
//
// Purpose: see PathWalker.h. A Straight walk is a Dag walk that never forks: both run
// the same loop below, one path on a stack, and differ only at real decisions
// (decide()).
//
//===----------------------------------------------------------------------===//
#include "PathWalker.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"

#include <algorithm>

using namespace llvm;

namespace csnake {

Value *stripPtr(Value *P) { return P ? getUnderlyingObject(P, 8) : nullptr; }

bool isRealCall(const CallBase *CB) {
  if (isa<IntrinsicInst>(CB))
    return false;
  if (const Function *Callee = CB->getCalledFunction())
    if (Callee->getName().startswith("__csnake_"))
      return false;
  return true;
}

bool isFreeInst(const Instruction &I) {
  if (isa<DbgInfoIntrinsic>(I))
    return true;
  if (auto *II = dyn_cast<IntrinsicInst>(&I))
    return II->isLifetimeStartOrEnd() || II->isAssumeLikeIntrinsic();
  return false;
}

bool isWork(const Instruction &CI) {
  Instruction &I = const_cast<Instruction &>(CI);
  if (auto *St = dyn_cast<StoreInst>(&I))
    return !isa<AllocaInst>(stripPtr(St->getPointerOperand()));
  if (auto *MI = dyn_cast<MemIntrinsic>(&I))
    return !isa<AllocaInst>(stripPtr(MI->getRawDest()));
  if (auto *CB = dyn_cast<CallBase>(&I))
    return isRealCall(CB);
  return false;
}

PathWalker::PathWalker(Function &F, LoopInfo &LI, unsigned MaxPathBlocks)
    : F(F), LI(LI), MaxPathBlocks(MaxPathBlocks) {}

namespace {
/// One path being walked: where it is and what it knows.
struct PathState {
  BasicBlock *BB = nullptr;
  DenseMap<const Value *, Value *> Slots; // alloca -> last value stored on this path
  SmallPtrSet<BasicBlock *, 16> Seen;
  bool CopiesTested = false; // copied a tested object towards the sret return slot
  bool Left = false;         // has left the innermost loop of the branch
  bool Work = false;         // has done work (outside blocks of the other side)
};
} // namespace

PathEvidence PathWalker::walk(Shape Sh, BasicBlock *Branch, BasicBlock *Side,
                              const TestedValues &Tested, const Spine &Other,
                              Spine *Record) {
  PathEvidence E;
  Loop *Inner = LI.getLoopFor(Branch);
  Argument *SRet = nullptr;
  for (Argument &A : F.args())
    if (A.hasStructRetAttr())
      SRet = &A;

  SmallVector<PathState, 8> Stack;
  Stack.emplace_back();
  Stack.back().BB = Side;
  // A Straight walk is one path: its Seen limit already bounds it to MaxPathBlocks.
  unsigned Budget = Sh == Dag ? DagBlockFactor * MaxPathBlocks : MaxPathBlocks;

  while (!Stack.empty() && Budget) {
    PathState P = std::move(Stack.back());
    Stack.pop_back();
    // A load of a slot this path stored to reads the stored value (clang keeps locals,
    // the retval and the cleanup destination in allocas at pipeline start).
    auto Resolve = [&](Value *V) {
      for (unsigned I = 0; I < 8 && V; ++I) {
        if (isa<CastInst>(V)) {
          V = cast<CastInst>(V)->getOperand(0);
          continue;
        }
        auto *LdI = dyn_cast<LoadInst>(V);
        if (!LdI)
          break;
        auto It = P.Slots.find(stripPtr(LdI->getPointerOperand()));
        if (It == P.Slots.end())
          break;
        V = It->second;
      }
      return V;
    };
    auto DerivedFromTested = [&](Value *V) {
      if (Tested.count(V))
        return true;
      if (auto *LdI = dyn_cast_or_null<LoadInst>(V))
        return Tested.count(stripPtr(LdI->getPointerOperand())) != 0;
      return false;
    };
    // Continue this path at the first of \p Succs, push the others as new paths.
    auto Fork = [&](ArrayRef<BasicBlock *> Succs) {
      SmallPtrSet<BasicBlock *, 8> Uniq;
      bool First = true;
      for (BasicBlock *S : Succs) {
        if (!Uniq.insert(S).second)
          continue;
        if (First) {
          P.BB = S;
          First = false;
          continue;
        }
        PathState Q;
        Q.BB = S;
        Q.Slots = P.Slots;
        Q.Seen = P.Seen;
        Q.CopiesTested = P.CopiesTested;
        Q.Left = P.Left;
        Q.Work = P.Work;
        Stack.push_back(std::move(Q));
      }
    };

    while (P.BB && Budget) {
      BasicBlock *BB = P.BB;
      P.BB = nullptr;
      --Budget;
      if (P.Seen.size() >= MaxPathBlocks || !P.Seen.insert(BB).second)
        break;
      if (Record) {
        Record->Blocks.insert(BB);
        if (!P.Work)
          Record->Empty.insert(BB);
      }
      bool Common = Other.Blocks.count(BB) != 0;
      if (Common) {
        if (Other.Empty.count(BB))
          E.RejoinEmpty = true;
        // A shared `return` block returns whatever this path stored in the retval slot.
        if (!Other.Dispatch.count(BB) && !isa<ReturnInst>(BB->getTerminator()))
          break; // re-joined the other side
      }
      if (Inner && !P.Left) {
        if (!Inner->contains(BB)) {
          E.Break = true;
          P.Left = true; // keep walking: a return outside the loop still counts
        } else {
          bool Hit = false;
          for (Loop *L = Inner; L && !Hit; L = L->getParentLoop())
            Hit = BB == L->getHeader() || L->isLoopLatch(BB);
          if (Hit) {
            E.Cont = true;
            break;
          }
        }
      }
      for (Instruction &I : *BB) {
        if (isFreeInst(I))
          continue;
        ++E.Cost;
        if (!Common && isWork(I))
          E.Work = P.Work = true;
        if (auto *St = dyn_cast<StoreInst>(&I)) {
          P.Slots[stripPtr(St->getPointerOperand())] = St->getValueOperand();
        } else if (auto *MC = dyn_cast<MemTransferInst>(&I)) {
          if (Tested.count(stripPtr(MC->getRawSource())))
            P.CopiesTested = true;
        } else if (auto *CB = dyn_cast<CallBase>(&I)) {
          if (isRealCall(CB)) {
            bool HasTested = false, HasSRet = false;
            for (Value *Arg : CB->args()) {
              Value *S = stripPtr(Arg);
              HasTested |= Tested.count(S) != 0;
              HasSRet |= SRet && S == SRet;
            }
            if (HasTested && HasSRet)
              P.CopiesTested = true;
          }
        }
        if (!I.isTerminator())
          continue;
        if (auto *Ret = dyn_cast<ReturnInst>(&I)) {
          E.Ret = true;
          Value *RV = Ret->getReturnValue();
          if (!RV) {
            E.Propagates |= P.CopiesTested && SRet;
            break;
          }
          Value *R = Resolve(RV);
          if (DerivedFromTested(R) || P.CopiesTested)
            E.Propagates = true;
          Type *RT = F.getReturnType();
          if (auto *C = dyn_cast_or_null<ConstantInt>(R)) {
            if (RT->isIntegerTy(1) || C->getType()->isIntegerTy(1))
              E.RetErrConst |= C->isZero();
            else if (C->isNegative())
              E.RetErrConst = true;
            else if (!C->isZero())
              E.RetNonZero = true;
          } else if (R && isa<ConstantPointerNull>(R)) {
            E.RetErrConst = true;
          }
          break;
        }
        if (auto *Br = dyn_cast<BranchInst>(&I)) {
          if (Br->isUnconditional()) {
            P.BB = Br->getSuccessor(0);
          } else if (auto *C =
                         dyn_cast_or_null<ConstantInt>(Resolve(Br->getCondition()))) {
            P.BB = Br->getSuccessor(C->isZero() ? 1 : 0);
            if (Record)
              Record->Dispatch.insert(BB);
          } else if (Sh == Straight) {
            // A real decision: only a hammock (`if (c) {...}` that re-joins, a log
            // line) lets the straight continuation go on.
            P.BB = hammockJoin(Br, P.Left ? nullptr : Inner);
          } else {
            bool ArmWork = false;
            BasicBlock *J = hammockJoin(Br, P.Left ? nullptr : Inner, &ArmWork);
            if (J && isa<ReturnInst>(J->getTerminator()))
              J = nullptr; // arms that meet only at the return: what they return differs
            if (J) {
              P.BB = J;
              if (ArmWork && !Common)
                E.Work = P.Work = true;
            } else {
              // A real decision: the side may go either way.
              Fork({Br->getSuccessor(1), Br->getSuccessor(0)});
            }
          }
        } else if (auto *Sw = dyn_cast<SwitchInst>(&I)) {
          if (auto *C = dyn_cast_or_null<ConstantInt>(Resolve(Sw->getCondition()))) {
            P.BB = Sw->findCaseValue(C)->getCaseSuccessor();
            if (Record)
              Record->Dispatch.insert(BB);
          } else if (Sh == Dag) {
            SmallVector<BasicBlock *, 8> Succs(successors(BB));
            std::reverse(Succs.begin(), Succs.end());
            Fork(Succs);
          }
        } else if (auto *II = dyn_cast<InvokeInst>(&I)) {
          P.BB = II->getNormalDest();
        }
      }
    }
  }
  return E;
}

// A conditional branch on the walked path whose two sides are straight-line
// (unconditional branches and invoke normal edges only, no return, no loop header/latch,
// not leaving the innermost loop) and meet again -- `if (!logEnabled(l)) {} else
// LogLine(l) << ...`, `if (verbose) print(...)` -- does not decide where the side ends:
// the walk continues at the join. Anything else (a nested decision, a return on one side)
// is a real decision.
BasicBlock *PathWalker::hammockJoin(BranchInst *Br, Loop *Inner, bool *ArmWork) {
  auto Chain = [&](BasicBlock *Start, SmallVectorImpl<BasicBlock *> &Out) {
    BasicBlock *BB = Start;
    for (unsigned Step = 0; BB && Step < MaxPathBlocks; ++Step) {
      if (Inner && (!Inner->contains(BB)))
        return;
      for (Loop *L = Inner; L; L = L->getParentLoop())
        if (BB == L->getHeader() || L->isLoopLatch(BB))
          return;
      if (std::find(Out.begin(), Out.end(), BB) != Out.end())
        return;
      Out.push_back(BB);
      Instruction *T = BB->getTerminator();
      BasicBlock *Next = nullptr;
      if (auto *B = dyn_cast<BranchInst>(T)) {
        if (B->isUnconditional())
          Next = B->getSuccessor(0);
      } else if (auto *II = dyn_cast<InvokeInst>(T)) {
        Next = II->getNormalDest();
      }
      BB = Next;
    }
  };
  SmallVector<BasicBlock *, 16> A, B;
  Chain(Br->getSuccessor(0), A);
  Chain(Br->getSuccessor(1), B);
  for (BasicBlock *X : B)
    if (std::find(A.begin(), A.end(), X) != A.end()) {
      if (ArmWork)
        for (SmallVectorImpl<BasicBlock *> *Arm : {&A, &B})
          for (BasicBlock *Y : *Arm) {
            if (Y == X)
              break;
            for (Instruction &I : *Y)
              *ArmWork |= !isFreeInst(I) && isWork(I);
          }
      return X;
    }
  return nullptr;
}

} // namespace csnake
