//===- BranchClassifier.cpp - THROW guards and ERROR_RETURN branches ------===//
//
// Purpose: classify conditional branches (`br i1`, not switches) of an instrumented
// function. Rules (they work on pipeline-start IR, i.e. clang's unoptimised codegen,
// which is the same at every -O level):
//
// THROW guard.  MustThrow is the least fixpoint of: a block containing a call/invoke of
//   __cxa_throw is MustThrow; a block all of whose normal successors (terminator
//   successors, invoke unwind edges excluded) are MustThrow is MustThrow. So every
//   acyclic continuation of the block ends in a throw (message building, logging with
//   its own ifs, exception construction are fine). A conditional branch, not itself in a
//   MustThrow block, exactly one of whose successors is MustThrow, is a THROW guard; the
//   fault side is that successor. (`if (a || b) throw` gives two guards.)
//
// ERROR_RETURN.  Only if not a THROW guard, and:
//  (1) the condition derives from a call result: through `xor true`, zext/sext/trunc,
//      `icmp` against a constant (or against anything), loads from a local alloca into
//      which a call result was stored or which was passed as the sret argument of a call
//      (depth <= 6). The call (not an LLVM intrinsic) is the root; its value, the allocas
//      holding it and the object it was called on (first argument, if an alloca) are the
//      "tested" values.
//  (2) polarity, when it can be read off the condition: a bool call result means
//      "true = success" (error side = false; `!` flips); `v < 0`, `v <= -1`, `v == -k`
//      mean error on true; `v >= 0`, `v > -1`, `v != -k` error on false; pointers:
//      `== nullptr` error on true, `!= nullptr` error on false; bool stored as an
//      integer compared with 0 like the bool itself. Everything else (e.g. `rc != 0`,
//      `n == len`) has unknown polarity.
//  (3) each side is walked along its straight continuation (PathWalker::Straight:
//      unconditional branches, invoke normal edges, switches/branches on clang's
//      cleanup/retval slots whose stored constant is known on the path, hammocks that
//      re-join; <= MaxPathBlocks blocks) collecting evidence:
//        Ret         reaches a `ret`;
//        RetErrConst the returned value (through the retval slot) is an error constant
//                    for the function's return type: false (i1), negative integer,
//                    nullptr; RetNonZero: a positive integer constant;
//        Propagates  the returned value is (derived from) the tested value, or the path
//                    copies a tested object into the return slot (`return st;`);
//        Cont        enters the header or a latch of a loop enclosing the branch
//                    (continue / retry);
//        Break       leaves the innermost loop enclosing the branch (break / give up).
//      strong(S) = RetErrConst || Propagates || (RetNonZero && the other side does not
//      return a non-zero constant). primary(S) = Ret, else Cont, else Break.
//  (4) known polarity, error side E, other side O: a site iff strong(E), or primary(E)
//      exists and differs from primary(O), or they are equal and E's path is strictly
//      cheaper (fewer instructions) than O's (`if (rc < 0) continue; work();`).
//      Unknown polarity: a site iff exactly one side is strong; that side is the fault
//      side.
//  (6)-(8) known polarity only, when (4) says no. Both sides are explored as bounded
//      DAGs (PathWalker::Dag: real decisions fork, per-path slot values, <=
//      MaxPathBlocks blocks per path and DagBlockFactor * MaxPathBlocks in all); the
//      error side's paths stop where they reach a block the other side reaches
//      (re-join), except clang's cleanup/retval dispatch blocks and a shared return
//      block. Work = a real call or a
//      store/memory intrinsic to a non-alloca. Branches on the first operand of a
//      short-circuit condition (isCompound) are left out. A site iff
//      (6) some error-side path returns an error constant or the tested value; or the
//          error side is the `if` body (the successor laid out first) and
//      (7) some error-side path returns / continues / leaves the loop while no path of
//          the other side does; or
//      (8) the error side does work and re-joins the other side at a block the other
//          side reaches before any work, and the condition is not a state query
//          (isStateQuery: `_ZNK` method with only its receiver, on anything but a local
//          object a call produced).
//  (5) excluded: a loop's own test -- a branch in the header or a latch of its innermost
//      loop that exits that loop and has the line of the loop's start location
//      (`while (!q.empty())`, `for (...; it != end; ...)`); those are BRANCH sites.
//
//===----------------------------------------------------------------------===//
#include "BranchClassifier.h"
#include "Options.h"
#include "PathWalker.h"

#include "csnake/abi.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/PatternMatch.h"

using namespace llvm;
using namespace llvm::PatternMatch;

namespace csnake {

bool BranchClassifier::isThrowCall(const Instruction &I) {
  if (auto *CB = dyn_cast<CallBase>(&I))
    if (Function *Callee = CB->getCalledFunction())
      return Callee->getName() == "__cxa_throw";
  return false;
}

static void normalSuccessors(const BasicBlock *BB,
                             SmallVectorImpl<const BasicBlock *> &Out) {
  const Instruction *T = BB->getTerminator();
  if (!T)
    return;
  if (auto *II = dyn_cast<InvokeInst>(T)) {
    Out.push_back(II->getNormalDest());
    return;
  }
  for (const BasicBlock *S : successors(BB))
    Out.push_back(S);
}

BranchClassifier::BranchClassifier(Function &F, LoopInfo &LI, const PassOptions &Opts)
    : F(F), LI(LI), Opts(Opts) {
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (isThrowCall(I)) {
        MustThrow.insert(&BB);
        break;
      }
  bool Changed = !MustThrow.empty();
  while (Changed) {
    Changed = false;
    for (BasicBlock &BB : F) {
      if (MustThrow.count(&BB))
        continue;
      SmallVector<const BasicBlock *, 4> Succ;
      normalSuccessors(&BB, Succ);
      if (Succ.empty())
        continue;
      bool All = true;
      for (const BasicBlock *S : Succ)
        All &= MustThrow.count(S) != 0;
      if (All) {
        MustThrow.insert(&BB);
        Changed = true;
      }
    }
  }
}

CallBase *BranchClassifier::callSource(Value *V, unsigned Depth, CondInfo &CI) {
  if (Depth == 0 || !V)
    return nullptr;
  while (isa<CastInst>(V))
    V = cast<CastInst>(V)->getOperand(0);
  if (auto *CB = dyn_cast<CallBase>(V)) {
    if (!isRealCall(CB))
      return nullptr;
    CI.Tested.insert(CB);
    if (CB->arg_size() > 0)
      if (auto *A = dyn_cast<AllocaInst>(stripPtr(CB->getArgOperand(0))))
        CI.Tested.insert(A);
    return CB;
  }
  auto *LdI = dyn_cast<LoadInst>(V);
  if (!LdI)
    return nullptr;
  auto *A = dyn_cast<AllocaInst>(stripPtr(LdI->getPointerOperand()));
  if (!A)
    return nullptr;
  // Users of the alloca and of pointers derived from it (casts, GEPs), one level deep.
  SmallVector<User *, 16> Users(A->users());
  for (unsigned I = 0; I < Users.size() && I < 64; ++I) {
    User *U = Users[I];
    if (isa<BitCastInst>(U) || isa<GetElementPtrInst>(U)) {
      for (User *UU : U->users())
        Users.push_back(UU);
      continue;
    }
    if (auto *St = dyn_cast<StoreInst>(U)) {
      if (stripPtr(St->getPointerOperand()) != A)
        continue;
      if (CallBase *R = callSource(St->getValueOperand(), Depth - 1, CI)) {
        CI.Tested.insert(A);
        return R;
      }
      continue;
    }
    if (auto *CB = dyn_cast<CallBase>(U)) {
      if (!isRealCall(CB))
        continue;
      for (unsigned Arg = 0; Arg < CB->arg_size(); ++Arg)
        if (CB->paramHasAttr(Arg, Attribute::StructRet) &&
            stripPtr(CB->getArgOperand(Arg)) == A) {
          CI.Tested.insert(A);
          CI.Tested.insert(CB);
          return CB;
        }
    }
  }
  return nullptr;
}

static bool returnsBool(const CallBase *CB) { return CB->getType()->isIntegerTy(1); }

bool BranchClassifier::analyseCondition(Value *V, bool Negated, unsigned Depth,
                                        CondInfo &CI) {
  if (Depth == 0)
    return false;
  Value *X;
  if (match(V, m_Not(m_Value(X))))
    return analyseCondition(X, !Negated, Depth - 1, CI);
  if (isa<TruncInst>(V) || isa<ZExtInst>(V) || isa<SExtInst>(V))
    return analyseCondition(cast<CastInst>(V)->getOperand(0), Negated, Depth - 1, CI);
  if (auto *Cmp = dyn_cast<ICmpInst>(V)) {
    Value *L = Cmp->getOperand(0), *R = Cmp->getOperand(1);
    ICmpInst::Predicate P = Cmp->getPredicate();
    if (isa<Constant>(L) && !isa<Constant>(R)) {
      std::swap(L, R);
      P = ICmpInst::getSwappedPredicate(P);
    }
    CallBase *Root = callSource(L, 6, CI);
    if (!Root && !isa<Constant>(R))
      Root = callSource(R, 6, CI);
    if (!Root)
      return false;
    CI.Root = Root;
    CI.P = Unknown;
    Polarity ErrT = Negated ? ErrorOnFalse : ErrorOnTrue;
    Polarity ErrF = Negated ? ErrorOnTrue : ErrorOnFalse;
    if (L->getType()->isPointerTy() && isa<ConstantPointerNull>(R)) {
      if (P == ICmpInst::ICMP_EQ)
        CI.P = ErrT;
      if (P == ICmpInst::ICMP_NE)
        CI.P = ErrF;
      return true;
    }
    auto *C = dyn_cast<ConstantInt>(R);
    if (!C)
      return true;
    int64_t K = C->getSExtValue();
    if (K == 0 && returnsBool(Root)) { // bool stored as i8, compared with 0
      if (P == ICmpInst::ICMP_NE)
        CI.P = ErrF; // true = success
      if (P == ICmpInst::ICMP_EQ)
        CI.P = ErrT;
      return true;
    }
    switch (P) {
    case ICmpInst::ICMP_SLT:
      if (K <= 0)
        CI.P = ErrT;
      break;
    case ICmpInst::ICMP_SLE:
      if (K < 0)
        CI.P = ErrT;
      break;
    case ICmpInst::ICMP_EQ:
      if (K < 0)
        CI.P = ErrT;
      break;
    case ICmpInst::ICMP_SGE:
      if (K <= 0)
        CI.P = ErrF;
      break;
    case ICmpInst::ICMP_SGT:
      if (K < 0)
        CI.P = ErrF;
      break;
    case ICmpInst::ICMP_NE:
      if (K < 0)
        CI.P = ErrF;
      break;
    default:
      break;
    }
    return true;
  }
  if (CallBase *Root = callSource(V, 6, CI)) {
    CI.Root = Root;
    CI.P = Negated ? ErrorOnTrue : ErrorOnFalse; // a true bool means success
    return true;
  }
  return false;
}

// Clang emits the blocks of an `if` body before those of its else branch and of the
// code after the `if`; with `if (!x)` it swaps the branch successors instead of
// emitting a `not`, so the body is the successor laid out first either way.
bool BranchClassifier::laidOutBefore(const BasicBlock *A, const BasicBlock *B) {
  if (Layout.empty()) {
    unsigned N = 0;
    for (const BasicBlock &BB : F)
      Layout[&BB] = N++;
  }
  return Layout.lookup(A) < Layout.lookup(B);
}

static unsigned lineOf(const Instruction *I) {
  if (const DebugLoc &DL = I->getDebugLoc())
    return DL.getLine();
  return 0;
}

bool BranchClassifier::isLoopOwnTest(BranchInst *BI) {
  BasicBlock *BB = BI->getParent();
  Loop *L = LI.getLoopFor(BB);
  if (!L || !(BB == L->getHeader() || L->isLoopLatch(BB)))
    return false;
  if (L->contains(BI->getSuccessor(0)) && L->contains(BI->getSuccessor(1)))
    return false;
  DebugLoc Start = L->getStartLoc();
  return Start && lineOf(BI) == Start.getLine();
}

// `if (a() || b())`, `if (a() && b())`: the branch on a() has a successor that only
// evaluates the rest of the condition -- its straight continuation ends in a conditional
// branch to the other successor, or the value is merged in an i1 phi. Which side of a()
// is the error side then says little; rules (6)-(8) leave such branches alone.
bool BranchClassifier::isCompound(BranchInst *BI) {
  // `bool b = a() || c()` (and some `if (a() || c())` at -O1+): the short circuit is
  // materialised as an i1 phi taking a constant from the branch's block.
  for (BasicBlock *S : successors(BI->getParent()))
    for (PHINode &Phi : S->phis())
      if (Phi.getType()->isIntegerTy(1))
        if (isa<ConstantInt>(Phi.getIncomingValueForBlock(BI->getParent())))
          return true;
  for (unsigned I = 0; I < 2; ++I) {
    BasicBlock *BB = BI->getSuccessor(I), *Other = BI->getSuccessor(1 - I);
    for (unsigned Step = 0; BB && Step < 4; ++Step) {
      Instruction *T = BB->getTerminator();
      if (auto *II = dyn_cast<InvokeInst>(T)) {
        BB = II->getNormalDest();
      } else if (auto *Br = dyn_cast<BranchInst>(T)) {
        if (Br->isUnconditional()) {
          BB = Br->getSuccessor(0);
          continue;
        }
        if (Br->getSuccessor(0) == Other || Br->getSuccessor(1) == Other)
          return true;
        break;
      } else {
        break;
      }
    }
  }
  return false;
}

// A state query: a const member function (Itanium `_ZNK` mangling) that takes nothing but
// its receiver, called on an object that is not itself a call result held in a local
// (`buf_.empty()`, `conn->isOpen()`, `pkt.data.empty()`; but `st.ok()` for
// `Status st = f()` is not one).
// Its false result is usually a state, not a failure: rule (8) ignores it.
bool BranchClassifier::isStateQuery(const CondInfo &CI) {
  CallBase *CB = CI.Root;
  Function *Callee = CB ? CB->getCalledFunction() : nullptr;
  if (!Callee || !Callee->getName().startswith("_ZNK") || CB->arg_size() != 1)
    return false;
  auto *A = dyn_cast<AllocaInst>(CB->getArgOperand(0)->stripPointerCasts());
  if (!A)
    return true; // a member, a field, a global, an object reached through a pointer
  CondInfo Tmp;
  SmallVector<User *, 16> Users(A->users());
  for (unsigned I = 0; I < Users.size() && I < 64; ++I) {
    User *U = Users[I];
    if (isa<BitCastInst>(U) || isa<GetElementPtrInst>(U)) {
      for (User *UU : U->users())
        Users.push_back(UU);
      continue;
    }
    if (auto *St = dyn_cast<StoreInst>(U))
      if (stripPtr(St->getPointerOperand()) == A &&
          callSource(St->getValueOperand(), 4, Tmp))
        return false;
    if (auto *C = dyn_cast<CallBase>(U))
      if (C != CB && isRealCall(C))
        for (unsigned Arg = 0; Arg < C->arg_size(); ++Arg)
          if (C->paramHasAttr(Arg, Attribute::StructRet) &&
              stripPtr(C->getArgOperand(Arg)) == A)
            return false;
  }
  // A local object that no call produced (a value built here): still a state.
  return true;
}

BranchVerdict BranchClassifier::classify(BranchInst *BI) {
  BranchVerdict V;
  if (!BI->isConditional() || BI->getSuccessor(0) == BI->getSuccessor(1) ||
      isa<Constant>(BI->getCondition()))
    return V;
  BasicBlock *BB = BI->getParent();
  BasicBlock *T = BI->getSuccessor(0), *Fs = BI->getSuccessor(1);
  if (!MustThrow.count(BB)) {
    bool TT = MustThrow.count(T), FT = MustThrow.count(Fs);
    if (TT != FT) {
      V.Kind = CSNAKE_KIND_THROW;
      V.FaultOnTrue = TT;
      return V;
    }
  }
  CondInfo CI;
  if (!analyseCondition(BI->getCondition(), false, 8, CI) || !CI.Root)
    return V;
  if (isLoopOwnTest(BI))
    return V;
  PathWalker Walker(F, LI, Opts.MaxPathBlocks);
  const Spine None;
  PathEvidence ET = Walker.walk(PathWalker::Straight, BB, T, CI.Tested, None),
               EF = Walker.walk(PathWalker::Straight, BB, Fs, CI.Tested, None);
  auto Strong = [](const PathEvidence &S, const PathEvidence &O) {
    return S.RetErrConst || S.Propagates ||
           (S.RetNonZero && !(O.RetNonZero || O.RetErrConst));
  };
  bool ST = Strong(ET, EF), SF = Strong(EF, ET);
  if (CI.P == Unknown) {
    if (ST != SF) {
      V.Kind = CSNAKE_KIND_ERROR_RETURN;
      V.FaultOnTrue = ST;
    }
    return V;
  }
  bool OnTrue = CI.P == ErrorOnTrue;
  const PathEvidence &E = OnTrue ? ET : EF, &O = OnTrue ? EF : ET;
  bool Site = OnTrue ? ST : SF;
  if (!Site && E.primary() != 0) {
    if (E.primary() != O.primary())
      Site = true;
    else
      Site = E.Cost < O.Cost;
  }
  if (!Site && !isCompound(BI)) {
    // Rules (6)-(8): both sides explored as bounded DAGs; the error side's walk stops
    // where it re-joins what the other side reaches.
    BasicBlock *ES = OnTrue ? T : Fs, *OS = OnTrue ? Fs : T;
    Spine Other;
    PathEvidence B = Walker.walk(PathWalker::Dag, BB, OS, CI.Tested, None, &Other);
    PathEvidence A = Walker.walk(PathWalker::Dag, BB, ES, CI.Tested, Other);
    if (A.RetErrConst || A.Propagates) {
      Site = true; // (6) some path of the error side returns an error / the status
    } else if (laidOutBefore(ES, OS)) {
      // The error side is the body of the `if`: `if (!ok) {...}`, `if (rc < 0) {...}`.
      if ((A.Ret && !B.Ret) || (A.Cont && !B.Cont) || (A.Break && !B.Break))
        Site = true; // (7) some path leaves in a way no path of the other side does
      else if (A.Work && A.RejoinEmpty && !isStateQuery(CI))
        Site = true; // (8) handles the failure, then carries on where the other side goes
    }
  }
  if (Site) {
    V.Kind = CSNAKE_KIND_ERROR_RETURN;
    V.FaultOnTrue = OnTrue;
  }
  return V;
}

} // namespace csnake
