//===- SiteDiscovery.cpp - find the fault sites of a module ---------------===//
//
// Purpose: see SiteDiscovery.h. Order of sites inside a function (which fixes the
// ordinals): LOOP sites by the layout position of their headers, then one pass over the
// blocks in layout order and their instructions in order (THROW plain / LIBCALL calls,
// then the block's conditional branch). Pipeline-start IR has the same layout at every
// -O level, so the ordinals (and ids) are the same too.
//
//===----------------------------------------------------------------------===//
#include "SiteDiscovery.h"
#include "BranchClassifier.h"
#include "KnownCalls.h"
#include "OperandKey.h"
#include "Options.h"
#include "SiteId.h"

#include "csnake/abi.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Analysis/LoopInfo.h"
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

void SiteDiscovery::discoverFunction(Function &F, const std::string &RelFile,
                                     std::vector<Site> &Out) {
  LoopInfo &LI = FAM.getResult<LoopAnalysis>(F);
  BranchClassifier BC(F, LI, Opts);
  unsigned FnLine = F.getSubprogram()->getLine();
  std::string FnName = std::string(F.getName());
  size_t First = Out.size();

  DenseMap<const BasicBlock *, unsigned> Pos;
  for (BasicBlock &BB : F)
    Pos[&BB] = Pos.size();

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
  SmallVector<Loop *, 8> Loops = LI.getLoopsInPreorder();
  std::stable_sort(Loops.begin(), Loops.end(), [&](Loop *A, Loop *B) {
    return Pos[A->getHeader()] < Pos[B->getHeader()];
  });
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
    LoopFacts::Facts Fa = Facts.loopFacts(*L, ConstTrip.count(L->getHeader()));
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
      UniqueExits.insert({const_cast<BasicBlock *>(E.first),
                          const_cast<BasicBlock *>(E.second)});
    for (auto &E : UniqueExits)
      S.Exits.push_back(E);
    LoopSite[L] = Out.size() - 1;
  }

  // Instruction sites, in layout order.
  for (BasicBlock &BB : F) {
    for (Instruction &I : BB) {
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        if (BranchClassifier::isThrowCall(I)) {
          Site &S = NewSite(CSNAKE_KIND_THROW);
          S.Flags = CSNAKE_FLAG_PLAIN_THROW;
          S.Inst = &I;
          S.Detail = "throw";
          setLoc(S, I.getDebugLoc(), FnLine);
          continue;
        }
        Function *Callee = CB->getCalledFunction();
        Type *RT = CB->getType();
        if (isa<CallInst>(CB) && Callee && Callee->isDeclaration() &&
            isLibcallName(Callee->getName()) &&
            (RT->isPointerTy() || (RT->isIntegerTy() && RT->getIntegerBitWidth() <= 64 &&
                                   RT->getIntegerBitWidth() >= 8))) {
          Site &S = NewSite(CSNAKE_KIND_LIBCALL);
          S.Inst = &I;
          S.Detail = std::string(Callee->getName());
          setLoc(S, I.getDebugLoc(), FnLine);
        }
        continue;
      }
      auto *BI = dyn_cast<BranchInst>(&I);
      if (!BI || !BI->isConditional() || isa<Constant>(BI->getCondition()) ||
          BI->getSuccessor(0) == BI->getSuccessor(1))
        continue;
      BranchVerdict V = BC.classify(BI);
      if (V.Kind) {
        Site &S = NewSite(V.Kind);
        S.Inst = BI;
        if (V.FaultOnTrue)
          S.Flags |= CSNAKE_FLAG_FAULT_ON_TRUE;
        S.Detail = BranchClassifier::renderCondition(BI->getCondition()) +
                   operandKeySuffix(BI->getCondition(), TU);
        setLoc(S, branchLoc(BI), FnLine);
      } else if (LI.getLoopFor(&BB)) {
        Site &S = NewSite(CSNAKE_KIND_BRANCH);
        S.Inst = BI;
        S.Detail = BranchClassifier::renderCondition(BI->getCondition()) +
                   operandKeySuffix(BI->getCondition(), TU);
        setLoc(S, branchLoc(BI), FnLine);
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
