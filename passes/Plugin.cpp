//===- Plugin.cpp - csnake pass plugin registration -----------------------===//
//
// Purpose: register the csnake passes with the new pass manager.
//   opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-instrument ...
//   opt-14 -load-pass-plugin=build/lib/libcsnake_pass.so -passes=csnake-print-sites ...
//   clang++-14 -fpass-plugin=/abs/build/lib/libcsnake_pass.so ...
// With clang the instrumentation runs at the pipeline-start extension point, before any
// optimisation, so site ids and counts are the same at every -O level (LLVM 14 also
// calls pipeline-start callbacks for the -O0 pipeline).
//
//===----------------------------------------------------------------------===//
#include "CsnakePasses.h"

#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "csnake-instrument") {
          MPM.addPass(csnake::InstrumentPass());
          return true;
        }
        if (Name == "csnake-print-sites") {
          MPM.addPass(csnake::PrintSitesPass(outs()));
          return true;
        }
        return false;
      });
  PB.registerPipelineStartEPCallback([](ModulePassManager &MPM, OptimizationLevel) {
    MPM.addPass(csnake::InstrumentPass());
  });
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "csnake", "0.1", registerCallbacks};
}
