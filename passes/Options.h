//===- Options.h - csnake pass options ------------------------------------===//
//
// Purpose: the knobs of the csnake passes, gathered in one struct. Defaults come from
// the environment (CSNAKE_ROOT, set by the compiler wrapper) and can be overridden by
// cl::opts when the plugin is also loaded as a legacy plugin (the order and the path
// rules are toolchain/instrument_policy.h, shared with the wrappers):
//   opt -load=libcsnake_pass.so -load-pass-plugin=libcsnake_pass.so
//       -passes=csnake-instrument -csnake-root=/src/project in.ll
//   clang++ -fpass-plugin=P -Xclang -load -Xclang P -mllvm -csnake-root=/src ...
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_OPTIONS_H
#define CSNAKE_PASS_OPTIONS_H

#include <string>

namespace csnake {

struct PassOptions {
  /// Absolute, normalised project root (policy::normaliseDirectory); empty = nothing
  /// is instrumented.
  std::string Root;
  /// Upper bound of the transitive callee walk when sizing loops (instructions).
  unsigned MaxLoopSize = 1u << 20;
  /// Maximum number of blocks followed on a candidate error path.
  unsigned MaxPathBlocks = 16;

  /// Options from cl::opt (if given) else the environment.
  static PassOptions fromEnvironment();
};

} // namespace csnake

#endif
