//===- SiteDiscovery.cpp - find the fault sites of a module ---------------===//
//
// Purpose: see SiteDiscovery.h. Order of sites inside a function (which fixes the
// ordinals): LOOP sites by the layout position of their headers, then the candidate
// instructions of the blocks in layout order and their instructions in order (THROW
// plain / LIBCALL calls, then the block's conditional branch). Pipeline-start IR has
// the same layout at every -O level, so the ordinals (and ids) are the same too.
//
//===----------------------------------------------------------------------===//
#include "SiteDiscovery.h"
#include "BranchClassifier.h"
#include "ConditionText.h"
#include "KnownCalls.h"
#include "OperandKey.h"
#include "Options.h"
#include "SiteDetail.h"
#include "SiteId.h"

#include "csnake/abi.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <map>

using namespace llvm;

namespace csnake {

SiteDiscovery::SiteDiscovery(Module &M, FunctionAnalysisManager &FAM,
                             const PassOptions &Opts)
    : M(M), FAM(FAM), Opts(Opts), Facts(Opts) {}

std::optional<std::string> SiteDiscovery::instrumentable(const Function &F) const {
  if (F.isDeclaration() || F.hasAvailableExternallyLinkage() ||
      F.hasFnAttribute(Attribute::Naked) || F.getName().startswith("__csnake") ||
      F.getName().startswith("csnake."))
    return std::nullopt;
  const DISubprogram *SP = F.getSubprogram();
  if (!SP)
    return std::nullopt;
  return relativeToRoot(SP->getFile(), Opts.Root);
}

std::vector<Site> SiteDiscovery::run() {
  std::vector<Site> Out;
  if (Opts.Root.empty())
    return Out;
  // The translation unit, to keep operand keys of internal-linkage symbols apart.
  TU = std::string(sys::path::filename(M.getSourceFileName()));
  for (DICompileUnit *CU : M.debug_compile_units()) {
    if (auto Rel = relativeToRoot(CU->getFile(), Opts.Root))
      TU = *Rel;
    break;
  }
  for (Function &F : M)
    if (auto Rel = instrumentable(F))
      discoverFunction(F, *Rel, Out);
  for (unsigned I = 0; I < Out.size(); ++I)
    Out[I].StateIndex = I;
  return Out;
}

static void setLoc(Site &S, const DebugLoc &DL, unsigned FnLine) {
  if (DL) {
    S.Line = DL.getLine();
    S.Column = DL.getCol();
  } else {
    S.Line = FnLine;
    S.Column = 0;
  }
  S.RelLine = (int)S.Line - (int)FnLine;
}

static DebugLoc branchLoc(const BranchInst *BI) {
  if (DebugLoc DL = BI->getDebugLoc())
    return DL;
  if (auto *I = dyn_cast<Instruction>(BI->getCondition()))
    return I->getDebugLoc();
  return DebugLoc();
}

namespace {
/// An instruction that may become a site, and why it was collected.
struct Candidate {
  enum Shape { PlainThrow, Libcall, CondBranch } What;
  Instruction *I;
};
} // namespace

/// A call csnake can fail (LIBCALL): a direct `call` (not an invoke) of a *declared*
/// function with a known libc name (a module may define its own `send`), returning a
/// pointer or an 8..64-bit integer, so the failure value -1 / NULL is representable.
static bool isLibcallCandidate(const CallBase &CB) {
  Function *Callee = CB.getCalledFunction();
  Type *RT = CB.getType();
  return isa<CallInst>(CB) && Callee && Callee->isDeclaration() &&
         isLibcallName(Callee->getName()) &&
         (RT->isPointerTy() || (RT->isIntegerTy() && RT->getIntegerBitWidth() <= 64 &&
                                RT->getIntegerBitWidth() >= 8));
}

/// A branch that decides something: conditional, on a non-constant, to two different
/// blocks. Only those can be THROW guards, ERROR_RETURN or BRANCH sites.
static bool isCandidateBranch(const BranchInst &BI) {
  return BI.isConditional() && !isa<Constant>(BI.getCondition()) &&
         BI.getSuccessor(0) != BI.getSuccessor(1);
}

// Collect, then emit (the shape of SanitizerCoverage's instrumentFunction): first the
// loops (by header layout position) and the candidate instructions (in layout order),
// then one site per loop and per candidate that classifies as a site, then the
// ordinals, ids and parent loops of the function's sites. The collection order is the
// site order, which fixes the ordinals.
void SiteDiscovery::discoverFunction(Function &F, const std::string &RelFile,
                                     std::vector<Site> &Out) {
  LoopInfo &LI = FAM.getResult<LoopAnalysis>(F);
  DominatorTree &DT = FAM.getResult<DominatorTreeAnalysis>(F);
  unsigned FnLine = F.getSubprogram()->getLine();
  std::string FnName = std::string(F.getName());
  size_t First = Out.size();

  // --- Collect.
  DenseMap<const BasicBlock *, unsigned> Pos;
  for (BasicBlock &BB : F)
    Pos[&BB] = Pos.size();
  SmallVector<Loop *, 8> Loops = LI.getLoopsInPreorder();
  std::stable_sort(Loops.begin(), Loops.end(), [&](Loop *A, Loop *B) {
    return Pos[A->getHeader()] < Pos[B->getHeader()];
  });
  SmallVector<Candidate, 32> Candidates;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB) {
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        if (BranchClassifier::isThrowCall(I))
          Candidates.push_back({Candidate::PlainThrow, &I});
        else if (isLibcallCandidate(*CB))
          Candidates.push_back({Candidate::Libcall, &I});
      } else if (auto *BI = dyn_cast<BranchInst>(&I)) {
        if (isCandidateBranch(*BI))
          Candidates.push_back({Candidate::CondBranch, &I});
      }
    }

  // --- Emit.
  auto NewSite = [&](unsigned Kind) -> Site & {
    Out.emplace_back();
    Site &S = Out.back();
    S.Kind = Kind;
    S.File = RelFile;
    S.Function = FnName;
    S.Fn = &F;
    return S;
  };

  // LOOP sites.
  DenseMap<const Loop *, size_t> LoopSite;
  DenseSet<const BasicBlock *> ConstTrip;
  if (!Loops.empty())
    ConstTrip = LoopFacts::constTripHeaders(F, LI);
  for (Loop *L : Loops) {
    Site &S = NewSite(CSNAKE_KIND_LOOP);
    DebugLoc DL = L->getStartLoc();
    if (!DL)
      for (Instruction &I : *L->getHeader())
        if ((DL = I.getDebugLoc()))
          break;
    setLoc(S, DL, FnLine);
    LoopFacts::Facts Fa = Facts.loopFacts(*L, ConstTrip.count(L->getHeader()), DT);
    S.LoopSize = Fa.Size;
    S.Flags = Fa.Flags;
    S.Header = L->getHeader();
    S.LoopDepth = L->getLoopDepth();
    SmallSetVector<BasicBlock *, 4> Preds;
    for (BasicBlock *P : predecessors(L->getHeader()))
      if (!L->contains(P))
        Preds.insert(P);
    for (BasicBlock *P : Preds)
      S.Entering.push_back({P, L->getHeader()});
    SmallVector<Loop::Edge, 4> Exits;
    L->getExitEdges(Exits);
    SmallSetVector<std::pair<BasicBlock *, BasicBlock *>, 4> UniqueExits;
    for (auto &E : Exits)
      UniqueExits.insert(
          {const_cast<BasicBlock *>(E.first), const_cast<BasicBlock *>(E.second)});
    for (auto &E : UniqueExits)
      S.Exits.push_back(E);
    LoopSite[L] = Out.size() - 1;
  }

  // Instruction sites. A candidate branch is a THROW guard or ERROR_RETURN site when the
  // classifier says so, else a BRANCH site when inside a loop (path signatures), else
  // nothing.
  BranchClassifier BC(F, LI, Opts);
  for (const Candidate &C : Candidates) {
    Instruction &I = *C.I;
    switch (C.What) {
    case Candidate::PlainThrow: {
      Site &S = NewSite(CSNAKE_KIND_THROW);
      S.Flags = CSNAKE_FLAG_PLAIN_THROW;
      S.Inst = &I;
      S.Detail = siteDetail("throw");
      setLoc(S, I.getDebugLoc(), FnLine);
      break;
    }
    case Candidate::Libcall: {
      Site &S = NewSite(CSNAKE_KIND_LIBCALL);
      S.Inst = &I;
      S.Detail = siteDetail(cast<CallBase>(I).getCalledFunction()->getName().str());
      setLoc(S, I.getDebugLoc(), FnLine);
      break;
    }
    case Candidate::CondBranch: {
      auto *BI = cast<BranchInst>(&I);
      BranchVerdict V = BC.classify(BI);
      unsigned Kind = V.Kind;
      if (!Kind && LI.getLoopFor(BI->getParent()))
        Kind = CSNAKE_KIND_BRANCH;
      if (!Kind)
        break;
      Site &S = NewSite(Kind);
      S.Inst = BI;
      if (V.Kind && V.FaultOnTrue)
        S.Flags |= CSNAKE_FLAG_FAULT_ON_TRUE;
      S.Detail = siteDetail(renderCondition(BI->getCondition()),
                            operandKey(BI->getCondition(), TU));
      setLoc(S, branchLoc(BI), FnLine);
      break;
    }
    }
  }

  // Ordinals and ids.
  std::map<std::pair<unsigned, int>, unsigned> Next;
  for (size_t I = First; I < Out.size(); ++I) {
    Site &S = Out[I];
    S.Ordinal = Next[{S.Kind, S.RelLine}]++;
    S.Id = computeSiteId(S.File, S.Function, S.Kind, S.RelLine, S.Ordinal);
  }
  // Parent loops.
  for (size_t I = First; I < Out.size(); ++I) {
    Site &S = Out[I];
    const Loop *Parent = nullptr;
    if (S.Kind == CSNAKE_KIND_LOOP)
      Parent = LI.getLoopFor(S.Header)->getParentLoop();
    else
      Parent = LI.getLoopFor(S.Inst->getParent());
    if (Parent)
      S.ParentLoop = Out[LoopSite.lookup(Parent)].Id;
  }
}

} // namespace csnake
