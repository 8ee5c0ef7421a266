//===- CsnakePasses.h - the csnake module passes --------------------------===//
//
// Purpose: the two new-PM module passes of the plugin.
//   csnake-instrument   discover the fault sites, emit the site table, insert the hooks.
//     opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-instrument
//            -S in.ll -o out.ll
//     clang++-14 -fpass-plugin=/abs/build/lib/libcsnake_pass.so -g ...   (pipeline start)
//   csnake-print-sites  print the site catalogue (one line per site) to stdout, no IR
//                       change:
//     opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-print-sites
//            -disable-output in.ll
// Both are module passes (so -O0's optnone does not skip them) and required.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_CSNAKEPASSES_H
#define CSNAKE_PASS_CSNAKEPASSES_H

#include "llvm/IR/PassManager.h"

namespace llvm {
class raw_ostream;
}

namespace csnake {

/// Named metadata marking a module as instrumented (the pass is then a no-op).
constexpr const char *InstrumentedMarker = "csnake.instrumented";

struct InstrumentPass : llvm::PassInfoMixin<InstrumentPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }
};

struct PrintSitesPass : llvm::PassInfoMixin<PrintSitesPass> {
  explicit PrintSitesPass(llvm::raw_ostream &OS) : OS(OS) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }
  llvm::raw_ostream &OS;
};

} // namespace csnake

#endif
