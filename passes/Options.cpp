//===- Options.cpp - csnake pass options ----------------------------------===//
//
// Purpose: build PassOptions from cl::opts (explicit wins) and CSNAKE_ROOT.
//
//===----------------------------------------------------------------------===//
#include "Options.h"

#include "csnake/abi.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;

static cl::opt<std::string>
    ClRoot("csnake-root",
           cl::desc("csnake: project root; only functions whose debug-info file is "
                    "under it are instrumented (default: $CSNAKE_ROOT)"),
           cl::init(""));

namespace csnake {

static std::string normaliseDir(StringRef Dir) {
  SmallString<256> Real;
  if (!sys::fs::real_path(Dir, Real))
    return std::string(Real.str());
  SmallString<256> P(Dir);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P.str());
}

PassOptions PassOptions::fromEnvironment() {
  PassOptions O;
  std::string Root = ClRoot;
  if (Root.empty())
    if (const char *E = std::getenv(CSNAKE_ENV_ROOT))
      Root = E;
  if (!Root.empty())
    O.Root = normaliseDir(Root);
  while (O.Root.size() > 1 && O.Root.back() == '/')
    O.Root.pop_back();
  return O;
}

} // namespace csnake
