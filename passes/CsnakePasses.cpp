//===- CsnakePasses.cpp - the csnake module passes ------------------------===//
//
// Purpose: thin run() methods delegating to ModuleInstrumenter (discovery -> check ->
// table -> hooks; functions the instrumenter cannot handle are dropped, with a warning)
// and to the catalogue printer. Usage (more in CsnakePasses.h):
//   opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-instrument
//          -S in.ll -o out.ll
//   opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-print-sites
//          -disable-output in.ll
//
//===----------------------------------------------------------------------===//
#include "CsnakePasses.h"
#include "Instrumenter.h"
#include "Options.h"
#include "RootNote.h"
#include "SiteDiscovery.h"
#include "SiteId.h"
#include "SiteTableEmitter.h"

#include "csnake/abi.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace csnake {

namespace {

bool alreadyInstrumented(const Module &M) {
  return M.getNamedMetadata(InstrumentedMarker) != nullptr;
}

void markInstrumented(Module &M) { M.getOrInsertNamedMetadata(InstrumentedMarker); }

void warnNoRootOnce() {
  static bool Warned = false;
  if (Warned)
    return;
  Warned = true;
  errs() << "csnake: warning: no project root (set " CSNAKE_ENV_ROOT
            " or -csnake-root); nothing is instrumented\n";
}

class ModuleInstrumenter {
public:
  ModuleInstrumenter(Module &M, ModuleAnalysisManager &MAM)
      : M(M), FAM(MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager()),
        Opts(PassOptions::fromEnvironment()) {}

  bool run() {
    if (alreadyInstrumented(M))
      return false;
    if (Opts.Root.empty())
      warnNoRootOnce();
    std::vector<Site> Sites = SiteDiscovery(M, FAM, Opts).run();
    markInstrumented(M);
    recordInstrumentationRoot(M, Opts.Root);
    dropUnsupported(Sites);
    GlobalVariable *State = SiteTableEmitter(M).emit(Sites);
    if (!State)
      return true;
    MapVector<Function *, std::vector<const Site *>> PerFunction;
    for (const Site &S : Sites)
      PerFunction[S.Fn].push_back(&S);
    Instrumenter Ins(M, State);
    for (auto &KV : PerFunction) {
      std::string Problems = Ins.instrument(*KV.first, KV.second);
      if (!Problems.empty())
        warnFunction(*KV.first, KV.second, Problems);
      FAM.invalidate(*KV.first, PreservedAnalyses::none());
    }
    return true;
  }

private:
  // Format: "csnake: warning: <root-relative file>: <function>: <why>".
  static void warnFunction(const Function &F, const std::vector<const Site *> &Sites,
                           const std::string &Why) {
    errs() << "csnake: warning: " << (Sites.empty() ? "" : Sites[0]->File + ": ")
           << F.getName() << ": " << Why << "\n";
  }

  // A function whose sites the instrumenter cannot place consistently is left
  // uninstrumented, with one warning, before anything is changed; its sites leave the
  // table too (they could never fire). Ids do not depend on positions: only the state
  // indices of the sites after it move.
  void dropUnsupported(std::vector<Site> &Sites) {
    MapVector<const Function *, std::vector<const Site *>> PerFunction;
    for (const Site &S : Sites)
      PerFunction[S.Fn].push_back(&S);
    SmallPtrSet<const Function *, 4> Skip;
    for (auto &KV : PerFunction) {
      std::string Why = Instrumenter::unsupported(*KV.first, KV.second);
      if (Why.empty())
        continue;
      warnFunction(*KV.first, KV.second, "not instrumented: " + Why);
      Skip.insert(KV.first);
    }
    if (Skip.empty())
      return;
    llvm::erase_if(Sites, [&](const Site &S) { return Skip.count(S.Fn) != 0; });
    for (unsigned I = 0; I < Sites.size(); ++I)
      Sites[I].StateIndex = I;
  }

  Module &M;
  FunctionAnalysisManager &FAM;
  PassOptions Opts;
};

std::string flagString(uint32_t F) {
  static const std::pair<uint32_t, const char *> Names[] = {
      {CSNAKE_FLAG_LOOP_IO, "io"},
      {CSNAKE_FLAG_LOOP_SLEEPS, "sleeps"},
      {CSNAKE_FLAG_LOOP_CONST_TRIP, "const_trip"},
      {CSNAKE_FLAG_LOOP_SMALL, "small"},
      {CSNAKE_FLAG_PLAIN_THROW, "plain"},
      {CSNAKE_FLAG_FAULT_ON_TRUE, "fault_on_true"}};
  std::string S;
  for (auto &N : Names)
    if (F & N.first) {
      if (!S.empty())
        S += ",";
      S += N.second;
    }
  return S.empty() ? "-" : S;
}

} // namespace

PreservedAnalyses InstrumentPass::run(Module &M, ModuleAnalysisManager &MAM) {
  return ModuleInstrumenter(M, MAM).run() ? PreservedAnalyses::none()
                                          : PreservedAnalyses::all();
}

// Format: "site 0x<16 hex> <KIND> <file>:<line>:<col> <function> flags=<f,..|-> "
//         "size=<n> parent=0x<16 hex> detail=\"<...>\""
PreservedAnalyses PrintSitesPass::run(Module &M, ModuleAnalysisManager &MAM) {
  if (alreadyInstrumented(M)) {
    OS << "; csnake: module already instrumented\n";
    return PreservedAnalyses::all();
  }
  auto &FAM = MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  PassOptions Opts = PassOptions::fromEnvironment();
  if (Opts.Root.empty())
    warnNoRootOnce();
  std::vector<Site> Sites = SiteDiscovery(M, FAM, Opts).run();
  for (const Site &S : Sites)
    OS << "site " << format_hex(S.Id, 18) << " " << kindName(S.Kind) << " " << S.File
       << ":" << S.Line << ":" << S.Column << " " << S.Function
       << " flags=" << flagString(S.Flags) << " size=" << S.LoopSize
       << " parent=" << format_hex(S.ParentLoop, 18) << " rel=" << S.RelLine << "#"
       << S.Ordinal << " detail=\"" << S.Detail << "\"\n";
  return PreservedAnalyses::all();
}

} // namespace csnake
