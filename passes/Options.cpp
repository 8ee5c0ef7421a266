//===- Options.cpp - csnake pass options ----------------------------------===//
//
// Purpose: build PassOptions from the cl::opt (explicit wins) and CSNAKE_ROOT, through
// the shared instrumentation policy (toolchain/instrument_policy.h).
//
//===----------------------------------------------------------------------===//
#include "Options.h"

#include "instrument_policy.h"

#include "csnake/abi.h"

#include "llvm/Support/CommandLine.h"

#include <cstdlib>

using namespace llvm;

static cl::opt<std::string>
    ClRoot("csnake-root",
           cl::desc("csnake: project root; only functions whose debug-info file is "
                    "under it are instrumented (default: $CSNAKE_ROOT)"),
           cl::init(""));

namespace csnake {

PassOptions PassOptions::fromEnvironment() {
  PassOptions O;
  policy::RootInputs In;
  In.explicitRoot = ClRoot;
  if (const char *E = std::getenv(CSNAKE_ENV_ROOT))
    In.environment = E;
  // No source file, project root or working directory here: those defaults are the
  // wrapper's business (it exports its choice as CSNAKE_ROOT); a bare `opt` without a
  // root instruments nothing and says so.
  O.Root = policy::chooseRoot(In).root;
  return O;
}

} // namespace csnake
