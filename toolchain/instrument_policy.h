// What csnake instruments: the one decision shared by the pass plugin (libcsnake_pass.so)
// and the compiler wrappers (csnake-clang, csnake-clang++), like AFL++'s instrument-list
// code shared by its passes and its compiler driver.
//
// The decision has two parts:
//  1. the instrumentation root, chosen by chooseRoot() in this order (first non-empty wins):
//       explicit   --csnake-root=DIR (wrapper; -DCSNAKE_ROOT=DIR with the toolchain file)
//                  or -csnake-root=DIR (the pass's own option, opt / -mllvm)
//       CSNAKE_ROOT the environment variable
//       git        the nearest ancestor of the compiled source holding a .git entry
//       project    --csnake-project-root=DIR (the toolchain file: its top project's
//                  source directory; a release tarball or a copied tree has no .git)
//       cwd        the compiler's working directory (wrapper used without the toolchain)
//     Each caller passes only the inputs it has: the pass sees the explicit option and the
//     environment (the wrapper exports the root it chose as CSNAKE_ROOT), so `opt` without
//     a root instruments nothing, as before.
//  2. whether a file lies under the root (relativeToRoot): site files, and so site ids,
//     are paths relative to the root; a file outside it is not instrumented.
//
// LLVM-free on purpose: the wrappers must not link LLVM, and the plugin must not carry a
// second copy of the rules. Built into both (toolchain/CMakeLists.txt, passes/CMakeLists.txt).
#ifndef CSNAKE_TOOLCHAIN_INSTRUMENT_POLICY_H
#define CSNAKE_TOOLCHAIN_INSTRUMENT_POLICY_H

#include <optional>
#include <string>

namespace csnake {
namespace policy {

// Wrapper flags (stripped before clang sees them).
inline constexpr const char kRootFlag[] = "--csnake-root=";
inline constexpr const char kProjectRootFlag[] = "--csnake-project-root=";
// Set in the environment while CMake configures (the toolchain file sets it in CMake's own
// process, so only compiles CMake runs itself inherit it): compiler checks and try_compile
// sources lie outside every root and must neither warn nor use the warn-once marker.
inline constexpr const char kQuietEnv[] = "CSNAKE_WRAPPER_QUIET";
// The warn-once marker, relative to the top of a CMake build tree (the nearest ancestor
// of the compiler's working directory holding CMakeCache.txt). The toolchain file removes
// it whenever CMake configures.
inline constexpr const char kOutsideRootMarker[] = "CMakeFiles/csnake-outside-root.warned";

enum class RootOrigin { None, Explicit, Environment, GitCheckout, Project, WorkingDirectory };

struct RootInputs {
  std::string explicitRoot;  // --csnake-root= / -csnake-root
  std::string environment;   // value of CSNAKE_ROOT
  std::string sourceFile;    // the compiled source whose git root may be the root; empty: none
  std::string projectRoot;   // --csnake-project-root=
  bool workingDirectoryFallback = false;
};

struct RootChoice {
  std::string root;  // normalised (normaliseDirectory); empty when origin is None
  RootOrigin origin = RootOrigin::None;
};

RootChoice chooseRoot(const RootInputs &in);

// "CSNAKE_ROOT", "the git checkout of the source", ... for messages.
const char *describe(RootOrigin origin);
// How a user changes the root, in one clause, for messages.
const char *howToChangeRoot();

// Absolute, real (symlinks resolved) directory without a trailing slash; when the
// directory does not exist, absolute and lexically normalised instead.
std::string normaliseDirectory(const std::string &dir);
// `path` made absolute against the working directory (unchanged when already absolute).
std::string makeAbsolute(const std::string &path);
// Removes "." and empty components and resolves ".." lexically, exactly as LLVM's
// sys::path::remove_dots(P, /*remove_dot_dot=*/true) does on POSIX: site ids hash the
// result, so the two must agree byte for byte.
std::string lexicallyNormal(const std::string &path);
// Nearest ancestor directory of `file` (made absolute and lexically normal) holding a
// .git entry (a directory, or a file in worktrees and submodules); empty when none.
std::string gitRootOf(const std::string &file);

// `absPath` relative to `root` (a normaliseDirectory() result) when it lies strictly
// under it, else nullopt. Tried on the lexically normal path first, then on its real path
// (the root had its symlinks resolved). A relative `absPath` or an empty root: nullopt.
std::optional<std::string> relativeToRoot(const std::string &absPath, const std::string &root);

}  // namespace policy
}  // namespace csnake

#endif
