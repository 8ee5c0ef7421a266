//===- SiteDiscovery.h - find the fault sites of a module -----------------===//
//
// Purpose: walk every function whose debug-info file is under the project root and
// produce its sites (DESIGN.md §2): THROW (guards and plain throws), ERROR_RETURN,
// LIBCALL, LOOP (with facts) and BRANCH, with ids, ordinals and parent loops. Read-only
// on the IR; used by both csnake-instrument and csnake-print-sites.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_SITEDISCOVERY_H
#define CSNAKE_PASS_SITEDISCOVERY_H

#include "LoopFacts.h"
#include "Site.h"

#include "llvm/IR/PassManager.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class Module;
class Function;
} // namespace llvm

namespace csnake {

struct PassOptions;

class SiteDiscovery {
public:
  SiteDiscovery(llvm::Module &M, llvm::FunctionAnalysisManager &FAM,
                const PassOptions &Opts);
  /// Sites of all instrumentable functions, in function order; StateIndex = position.
  std::vector<Site> run();
  /// Root-relative file of \p F when F is to be instrumented.
  std::optional<std::string> instrumentable(const llvm::Function &F) const;

private:
  void discoverFunction(llvm::Function &F, const std::string &RelFile,
                        std::vector<Site> &Out);

  llvm::Module &M;
  llvm::FunctionAnalysisManager &FAM;
  const PassOptions &Opts;
  LoopFacts Facts;
  std::string TU; // root-relative file of the module (operand keys of internal symbols)
};

} // namespace csnake

#endif
