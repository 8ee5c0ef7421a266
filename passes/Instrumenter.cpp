//===- Instrumenter.cpp - insert the runtime hooks ------------------------===//
//
// Purpose: see Instrumenter.h. Order inside a function: first the edge hooks of all
// loops (exits innermost first, then enters outermost first, per edge), then the
// header iter hooks, then the instruction sites. Anchors are instructions, so the
// block splits of earlier insertions never invalidate later ones. A split keeps the
// old block as its head (with the PHIs) and moves the rest, terminator included, to a
// new tail block: so an edge is held by its source's terminator (the instruction that
// names the target) and its target block, never by its source block, which an earlier
// hook may have split (e.g. the exit hook of one loop at the top of the block that
// branches into the next loop's header). Before any change, unsupported() checks that
// the sites match the IR; a mismatch met while emitting leaves that hook out, never
// the IR inconsistent.
//
//===----------------------------------------------------------------------===//
#include "Instrumenter.h"
#include "SiteId.h"

#include "csnake/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

#include <algorithm>

using namespace llvm;

namespace csnake {

// Hooks that touch only the runtime's own memory are declared inaccessiblememonly: the
// optimiser then keeps the target's values in registers across the (rarely taken) hook
// path instead of reloading them after every site, which is most of the disarmed cost
// in hot loops. The libcall hooks read and write errno, so they stay opaque.
enum class HookMemory { RuntimeOnly, Any };

static FunctionCallee hook(Module &M, StringRef Name, Type *Ret, ArrayRef<Type *> Args,
                           HookMemory Mem = HookMemory::RuntimeOnly) {
  FunctionCallee FC = M.getOrInsertFunction(Name, FunctionType::get(Ret, Args, false));
  if (auto *F = dyn_cast<Function>(FC.getCallee()->stripPointerCasts())) {
    F->addFnAttr(Attribute::NoUnwind);
    if (Mem == HookMemory::RuntimeOnly) {
      F->addFnAttr(Attribute::InaccessibleMemOnly);
      F->addFnAttr(Attribute::WillReturn);
    }
    F->setDSOLocal(false);
  }
  return FC;
}

Instrumenter::Instrumenter(Module &M, GlobalVariable *State)
    : M(M), C(M.getContext()), State(State) {
  I8 = Type::getInt8Ty(C);
  I32 = Type::getInt32Ty(C);
  I64 = Type::getInt64Ty(C);
  I8P = Type::getInt8PtrTy(C);
  Type *Void = Type::getVoidTy(C);
  Unlikely = MDBuilder(C).createBranchWeights(1, (1u << 20) - 1);
  LoopEnter = hook(M, "__csnake_loop_enter", Void, {I64, I8P});
  LoopIter = hook(M, "__csnake_loop_iter", Void, {I64, I8P});
  LoopExit = hook(M, "__csnake_loop_exit", Void, {I64, I8P});
  FaultBranchFn = hook(M, "__csnake_fault_branch", I32, {I64, I32});
  BranchFn = hook(M, "__csnake_branch", Void, {I64, I32});
  ThrowFn = hook(M, "__csnake_throw", Void, {I64});
  LibBefore = hook(M, "__csnake_libcall_before", I32, {I64}, HookMemory::Any);
  LibAfter = hook(M, "__csnake_libcall_after", Void, {I64, I64, I32}, HookMemory::Any);
  FrameAddress = Intrinsic::getDeclaration(&M, Intrinsic::frameaddress, {I8P});
}

ConstantInt *Instrumenter::id(const Site &S) {
  return ConstantInt::get(cast<IntegerType>(I64), S.Id);
}

Value *Instrumenter::stateOn(IRBuilder<> &B, unsigned Index) {
  Constant *Idx[] = {ConstantInt::get(I64, 0), ConstantInt::get(I64, Index)};
  Constant *P = ConstantExpr::getInBoundsGetElementPtr(State->getValueType(), State, Idx);
  // A plain (non-atomic) load: the runtime writes the byte only while registering the
  // module (its constructor, or dlopen before the module's code can run), so a plain load
  // is race-free, and it lets LICM/GVN hoist the check out of hot loops that call nothing
  // opaque (the hooks are inaccessiblememonly and cannot clobber it).
  LoadInst *L = B.CreateAlignedLoad(I8, P, Align(1), "csnake.state");
  return B.CreateICmpNE(L, ConstantInt::get(I8, 0), "csnake.on");
}

Instruction *Instrumenter::insertCheck(Instruction *Before, unsigned Index,
                                       Value **OnOut) {
  IRBuilder<> B(Before);
  Value *On = stateOn(B, Index);
  if (OnOut)
    *OnOut = On;
  return insertCheckOn(Before, On);
}

Instruction *Instrumenter::insertCheckOn(Instruction *Before, Value *On) {
  Instruction *Then =
      SplitBlockAndInsertIfThen(On, Before, /*Unreachable=*/false, Unlikely);
  Then->getParent()->setName("csnake.hook");
  return Then;
}

static std::string blockName(const BasicBlock *BB) {
  std::string S;
  raw_string_ostream OS(S);
  BB->printAsOperand(OS, /*PrintType=*/false);
  return OS.str();
}

static std::string edgeName(const BasicBlock *From, const BasicBlock *To) {
  return blockName(From) + " -> " + blockName(To);
}

/// Why the edge From -> To cannot get a hook consistently, or null. Shared by the
/// up-front check and by edgeAnchor (which runs it before changing anything).
static const char *edgeProblem(const BasicBlock *From, const BasicBlock *To) {
  if (!From || !To || From->getParent() != To->getParent())
    return "the edge's blocks are not in the same function";
  const Instruction *T = From->getTerminator();
  if (!T)
    return "the edge's source has no terminator";
  if (!is_contained(successors(T), To))
    return "the edge's target is not a successor of its source";
  for (const PHINode &P : To->phis())
    if (P.getBasicBlockIndex(From) < 0)
      return "a PHI of the edge's target has no value for its source";
  return nullptr;
}

Instruction *Instrumenter::edgeAnchor(Instruction *FromTerm, BasicBlock *To,
                                      std::string &Problem) {
  if (!To || !FromTerm || !FromTerm->getParent()) {
    Problem = "a loop edge without a source branch or a target block";
    return nullptr;
  }
  BasicBlock *From = FromTerm->getParent();
  if (From->getTerminator() != FromTerm) {
    Problem =
        "loop edge " + edgeName(From, To) + ": the edge's branch is not a terminator";
    return nullptr;
  }
  if (const char *Why = edgeProblem(From, To)) {
    Problem = "loop edge " + edgeName(From, To) + ": " + Why;
    return nullptr;
  }
  if (To->isEHPad())
    return nullptr;
  Instruction *T = FromTerm;
  if (T->getNumSuccessors() == 1 && isa<BranchInst>(T))
    return T;
  if (To->getSinglePredecessor() == From)
    return &*To->getFirstInsertionPt();
  if (!isa<BranchInst>(T) && !isa<SwitchInst>(T) && !isa<InvokeInst>(T))
    return nullptr;
  if (auto *II = dyn_cast<InvokeInst>(T))
    if (II->getUnwindDest() == To)
      return nullptr;
  BasicBlock *N = BasicBlock::Create(C, "csnake.edge", From->getParent(), To);
  BranchInst *Br = BranchInst::Create(To, N);
  Br->setDebugLoc(T->getDebugLoc());
  for (unsigned I = 0; I < T->getNumSuccessors(); ++I)
    if (T->getSuccessor(I) == To)
      T->setSuccessor(I, N);
  for (PHINode &P : To->phis()) {
    Value *V = P.getIncomingValueForBlock(From);
    int Idx;
    while ((Idx = P.getBasicBlockIndex(From)) >= 0)
      P.removeIncomingValue(Idx, /*DeletePHIIfEmpty=*/false);
    P.addIncoming(V, N);
  }
  return Br;
}

Value *Instrumenter::loopHook(Instruction *Anchor, const Site &S, FunctionCallee Hook) {
  Value *On = nullptr;
  Instruction *Then = insertCheck(Anchor, S.StateIndex, &On);
  IRBuilder<> B(Then);
  Value *Frame = B.CreateCall(FrameAddress, {ConstantInt::get(I32, 0)}, "csnake.frame");
  B.CreateCall(Hook, {id(S), Frame});
  return On;
}

void Instrumenter::faultBranch(const Site &S) {
  auto *BI = cast<BranchInst>(S.Inst);
  Value *Cond = BI->getCondition();
  Instruction *Then = insertCheck(BI, S.StateIndex);
  BasicBlock *Check = Then->getParent()->getSinglePredecessor();
  IRBuilder<> B(Then);
  Value *R =
      B.CreateCall(FaultBranchFn, {id(S), B.CreateZExt(Cond, I32)}, "csnake.fault");
  Value *NC = B.CreateICmpNE(R, ConstantInt::get(I32, 0));
  PHINode *Phi =
      PHINode::Create(Cond->getType(), 2, "csnake.cond", &BI->getParent()->front());
  Phi->addIncoming(NC, Then->getParent());
  Phi->addIncoming(Cond, Check);
  BI->setCondition(Phi);
}

// A BRANCH site reuses the observe test of its loop's header (one load per iteration for
// all the plain branches of the loop; the header dominates the whole loop). The loop's
// byte is on whenever tracing is, which is when BRANCH bytes are on (BRANCH sites are
// never armed); in the other cases the hook returns at once.
void Instrumenter::plainBranch(const Site &S, Value *LoopOn) {
  auto *BI = cast<BranchInst>(S.Inst);
  Value *Cond = BI->getCondition();
  Instruction *Then = LoopOn ? insertCheckOn(BI, LoopOn) : insertCheck(BI, S.StateIndex);
  IRBuilder<> B(Then);
  B.CreateCall(BranchFn, {id(S), B.CreateZExt(Cond, I32)});
}

void Instrumenter::plainThrow(const Site &S) {
  Instruction *Then = insertCheck(S.Inst, S.StateIndex);
  IRBuilder<> B(Then);
  B.CreateCall(ThrowFn, {id(S)});
}

void Instrumenter::libcall(const Site &S) {
  auto *CI = cast<CallInst>(S.Inst);
  Type *Ty = CI->getType();
  bool IsPtr = Ty->isPointerTy();
  Function *F = CI->getFunction();
  BasicBlock *Head = CI->getParent();
  BasicBlock *Tail = Head->splitBasicBlock(CI->getNextNode(), "csnake.libcall.cont");
  BasicBlock *Plain = Head->splitBasicBlock(CI, "csnake.libcall.plain");
  Head->getTerminator()->eraseFromParent();
  BasicBlock *Armed = BasicBlock::Create(C, "csnake.libcall.armed", F, Tail);
  BasicBlock *Call = BasicBlock::Create(C, "csnake.libcall.call", F, Tail);
  BasicBlock *Fail = BasicBlock::Create(C, "csnake.libcall.fail", F, Tail);

  IRBuilder<> B(Head);
  B.SetCurrentDebugLocation(CI->getDebugLoc());
  B.CreateCondBr(stateOn(B, S.StateIndex), Armed, Plain, Unlikely);

  B.SetInsertPoint(Armed);
  Value *Skip = B.CreateICmpNE(B.CreateCall(LibBefore, {id(S)}, "csnake.skip"),
                               ConstantInt::get(I32, 0));
  B.CreateCondBr(Skip, Fail, Call);

  B.SetInsertPoint(Call);
  Instruction *Clone = CI->clone();
  B.Insert(Clone);
  Value *R64 = IsPtr ? B.CreatePtrToInt(Clone, I64) : B.CreateSExtOrTrunc(Clone, I64);
  B.CreateCall(LibAfter, {id(S), R64, ConstantInt::get(I32, IsPtr ? 1 : 0)});
  B.CreateBr(Tail);

  B.SetInsertPoint(Fail);
  B.CreateBr(Tail);

  if (!CI->use_empty()) {
    Constant *FailV = IsPtr ? (Constant *)ConstantPointerNull::get(cast<PointerType>(Ty))
                            : ConstantInt::get(Ty, -1, /*isSigned=*/true);
    PHINode *Phi = PHINode::Create(Ty, 3, "csnake.result", &Tail->front());
    CI->replaceAllUsesWith(Phi);
    Phi->addIncoming(CI, Plain);
    Phi->addIncoming(Clone, Call);
    Phi->addIncoming(FailV, Fail);
  }
}

std::string Instrumenter::unsupported(const Function &F,
                                      const std::vector<const Site *> &Sites) {
  auto InF = [&](const BasicBlock *BB) { return BB && BB->getParent() == &F; };
  auto IsCondBr = [](const Instruction *I) {
    auto *BI = dyn_cast<BranchInst>(I);
    return BI && BI->isConditional();
  };
  for (const Site *S : Sites) {
    if (S->Fn != &F)
      return "a site of another function";
    if (S->Kind == CSNAKE_KIND_LOOP) {
      if (!InF(S->Header))
        return "a loop header outside the function";
      if (S->Header->getFirstInsertionPt() == S->Header->end())
        return "loop header " + blockName(S->Header) + " has no insertion point";
      for (const auto *List : {&S->Entering, &S->Exits})
        for (const auto &E : *List)
          if (const char *Why = edgeProblem(E.first, E.second))
            return "loop edge " +
                   (InF(E.first) && InF(E.second) ? edgeName(E.first, E.second)
                                                  : std::string("?")) +
                   ": " + Why;
      continue;
    }
    const Instruction *I = S->Inst;
    if (S->Kind != CSNAKE_KIND_THROW && S->Kind != CSNAKE_KIND_ERROR_RETURN &&
        S->Kind != CSNAKE_KIND_BRANCH && S->Kind != CSNAKE_KIND_LIBCALL)
      continue; // not instrumented
    if (!I || I->getFunction() != &F)
      return std::string(kindName(S->Kind)) +
             " site without an instruction in the function";
    bool Ok = true;
    switch (S->Kind) {
    case CSNAKE_KIND_THROW:
      Ok = (S->Flags & CSNAKE_FLAG_PLAIN_THROW) ? isa<CallBase>(I) : IsCondBr(I);
      break;
    case CSNAKE_KIND_ERROR_RETURN:
    case CSNAKE_KIND_BRANCH:
      Ok = IsCondBr(I);
      break;
    case CSNAKE_KIND_LIBCALL: {
      Type *Ty = I->getType();
      Ok = isa<CallInst>(I) && (Ty->isPointerTy() || Ty->isIntegerTy());
      break;
    }
    }
    if (!Ok)
      return std::string(kindName(S->Kind)) + " site on an unexpected instruction (" +
             I->getOpcodeName() + ")";
  }
  return "";
}

std::string Instrumenter::instrument(Function &F,
                                     const std::vector<const Site *> &Sites) {
  // 1. Edge hooks, grouped per edge. Collected before any change: an edge is held by
  // its source's terminator, which every later split carries along (see the header).
  struct EdgeHooks {
    Instruction *FromTerm = nullptr;
    std::vector<std::pair<const Site *, bool /*enter*/>> Hooks;
  };
  MapVector<std::pair<BasicBlock *, BasicBlock *>, EdgeHooks> Edges;
  auto Add = [&](const std::pair<BasicBlock *, BasicBlock *> &E, const Site *S,
                 bool Enter) {
    EdgeHooks &EH = Edges[E];
    EH.FromTerm = E.first->getTerminator();
    EH.Hooks.push_back({S, Enter});
  };
  for (const Site *S : Sites) {
    if (S->Kind != CSNAKE_KIND_LOOP)
      continue;
    for (auto &E : S->Exits)
      Add(E, S, false);
    for (auto &E : S->Entering)
      Add(E, S, true);
  }
  std::string Problems;
  unsigned NumProblems = 0;
  for (auto &KV : Edges) {
    auto &H = KV.second.Hooks;
    std::stable_sort(H.begin(), H.end(), [](const auto &A, const auto &B) {
      if (A.second != B.second)
        return !A.second;                                        // exits first
      return A.second ? A.first->LoopDepth < B.first->LoopDepth  // enter: outer first
                      : A.first->LoopDepth > B.first->LoopDepth; // exit: inner first
    });
    std::string Problem;
    Instruction *Anchor = edgeAnchor(KV.second.FromTerm, KV.first.second, Problem);
    if (!Anchor) {
      if (!Problem.empty() && NumProblems++ == 0)
        Problems = Problem;
      continue;
    }
    for (auto &P : H)
      loopHook(Anchor, *P.first, P.second ? LoopEnter : LoopExit);
  }
  // 2. Header iter hooks; remember each header's observe test for the loop's BRANCHes.
  DenseMap<uint64_t, Value *> HeaderOn;
  for (const Site *S : Sites)
    if (S->Kind == CSNAKE_KIND_LOOP)
      HeaderOn[S->Id] = loopHook(&*S->Header->getFirstInsertionPt(), *S, LoopIter);
  // 3. Instruction sites.
  for (const Site *S : Sites) {
    switch (S->Kind) {
    case CSNAKE_KIND_THROW:
      if (S->Flags & CSNAKE_FLAG_PLAIN_THROW)
        plainThrow(*S);
      else
        faultBranch(*S);
      break;
    case CSNAKE_KIND_ERROR_RETURN:
      faultBranch(*S);
      break;
    case CSNAKE_KIND_BRANCH: {
      auto It = S->ParentLoop ? HeaderOn.find(S->ParentLoop) : HeaderOn.end();
      plainBranch(*S, It != HeaderOn.end() ? It->second : nullptr);
      break;
    }
    case CSNAKE_KIND_LIBCALL:
      libcall(*S);
      break;
    default:
      break;
    }
  }
  if (NumProblems > 1)
    Problems += " (and " + std::to_string(NumProblems - 1) + " more)";
  if (NumProblems)
    Problems += "; those loop hooks are left out";
  return Problems;
}

} // namespace csnake
