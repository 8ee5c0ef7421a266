// csnake-clang / csnake-clang++: compiler wrappers that build any project instrumented,
// with no change to its sources. They run clang-14 with the csnake pass plugin, frame
// pointers (the runtime walks them for call-site signatures) and line tables (the pass
// keeps only code under the instrumentation root, which it learns from debug info), and
// link the shared runtime with an rpath, so the result runs from anywhere.
//
//   cmake -DCMAKE_TOOLCHAIN_FILE=<csnake>/toolchain/csnake-toolchain.cmake ...   or
//   CXX=<csnake>/build/bin/csnake-clang++ cmake ...
//
// The root is chosen by toolchain/instrument_policy.h (explicit > CSNAKE_ROOT > git
// checkout of the first source > the toolchain's project directory > working directory)
// and handed to the pass as CSNAKE_ROOT. Wrapper flags, removed before clang runs (they
// stay on the command line a compiler cache hashes, so a different root is a cache miss):
//   --csnake-root=DIR           the root, explicitly
//   --csnake-project-root=DIR   the root when the source is in no git checkout
// Environment: CSNAKE_ROOT, CSNAKE_CLANG / CSNAKE_CLANGXX (the real compiler; default
// clang-14 / clang++-14), CSNAKE_WRAPPER_QUIET (no outside-root warning).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "csnake/abi.h"
#include "instrument_policy.h"

#ifndef CSNAKE_WRAPPER_CXX
#error "define CSNAKE_WRAPPER_CXX to 0 (C) or 1 (C++)"
#endif

extern const char kCsnakePassIdentity[];  // pass_identity.cpp (generated)

namespace {

namespace policy = csnake::policy;

const char *const kName = CSNAKE_WRAPPER_CXX ? "csnake-clang++" : "csnake-clang";

std::string selfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = '\0';
  std::string p(buf);
  return p.substr(0, p.rfind('/'));
}

bool exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

bool isSourceFile(const std::string &a) {
  static const char *exts[] = {".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".cp", ".CPP"};
  if (a.empty() || a[0] == '-') return false;
  for (const char *e : exts) {
    size_t n = std::strlen(e);
    if (a.size() > n && a.compare(a.size() - n, n, e) == 0) return true;
  }
  return false;
}

// Top of the CMake build tree the compiler runs in: the nearest ancestor of the working
// directory holding CMakeCache.txt (Ninja runs compiles at the top, Makefiles in
// subdirectories). Empty outside a CMake build.
std::string cmakeBuildTree() {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return "";
  std::string dir(cwd);
  for (;;) {
    if (exists(dir + "/CMakeCache.txt")) return dir;
    size_t slash = dir.rfind('/');
    if (slash == std::string::npos || dir == "/") return "";
    dir.resize(slash == 0 ? 1 : slash);
  }
}

// One warning per build for sources outside the root, however many compiler processes
// find one: the first to create the marker (O_EXCL is atomic, so parallel compiles race
// safely) prints, the others stay quiet. The marker lives in the CMake build tree and is
// removed whenever the toolchain file configures; outside a CMake build there is no
// build-wide place for it and every such compile warns.
void warnOutsideRoot(const std::string &source, const policy::RootChoice &root) {
  const char *quiet = std::getenv(policy::kQuietEnv);
  if (quiet && *quiet) return;
  std::string tree = cmakeBuildTree();
  if (!tree.empty()) {
    std::string marker = tree + "/" + policy::kOutsideRootMarker;
    int fd = open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) return;
    if (fd >= 0) {
      std::string note = source + " outside " + root.root + "\n";
      if (write(fd, note.data(), note.size()) < 0) { /* the marker's existence is what counts */
      }
      close(fd);
    }
    // Any other error (read-only tree, no CMakeFiles/): warn rather than stay silent.
  }
  // One line; its words avoid the patterns CMake's flag checks treat as a rejected flag.
  std::fprintf(stderr,
               "%s: warning: %s lies outside the instrumentation root %s (%s) and is not "
               "instrumented; %s%s\n",
               kName, source.c_str(), root.root.c_str(), policy::describe(root.origin), policy::howToChangeRoot(),
               tree.empty() ? "" : " (shown once per CMake configuration of this build tree)");
}

}  // namespace

int main(int argc, char **argv) {
  const std::string libDir = selfDir() + "/../lib";
  const std::string plugin = libDir + "/libcsnake_pass.so";
  const std::string runtime = libDir + "/libcsnake_rt.so";
  for (const std::string &needed : {plugin, runtime}) {
    if (!exists(needed)) {
      std::fprintf(stderr, "%s: %s is missing (build csnake first)\n", kName, needed.c_str());
      return 1;
    }
  }

  const char *compilerEnv = std::getenv(CSNAKE_WRAPPER_CXX ? "CSNAKE_CLANGXX" : "CSNAKE_CLANG");
  std::string compiler = compilerEnv && *compilerEnv ? compilerEnv : (CSNAKE_WRAPPER_CXX ? "clang++-14" : "clang-14");

  bool linking = true, compiling = true, haveDebug = false, debugOff = false;
  std::vector<std::string> sources;
  policy::RootInputs rootIn;
  std::vector<std::string> args{compiler};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (startsWith(a, policy::kRootFlag)) {
      rootIn.explicitRoot = a.substr(std::strlen(policy::kRootFlag));
      continue;
    }
    if (startsWith(a, policy::kProjectRootFlag)) {
      rootIn.projectRoot = a.substr(std::strlen(policy::kProjectRootFlag));
      continue;
    }
    // The legacy pass manager silently ignores -fpass-plugin (TOOLCHAIN-NOTES).
    if (a == "-flegacy-pass-manager") continue;
    if (a == "-c" || a == "-S") linking = false;
    if (a == "-E" || a == "-fsyntax-only" || a == "-M" || a == "-MM") linking = compiling = false;
    if (a == "-g0")
      debugOff = true;
    else if (startsWith(a, "-g") && !startsWith(a, "-gsplit") && !startsWith(a, "-gz"))
      haveDebug = true;
    if (isSourceFile(a)) sources.push_back(a);
    args.push_back(a);
  }
  // Queries (--version, -print-*) get no csnake flags; judged after the wrapper's own flags
  // are gone, since the toolchain adds them to every command CMake runs.
  const size_t given = args.size() - 1;
  const bool queryOnly = given == 0 || (given == 1 && (startsWith(args[1], "--version") || startsWith(args[1], "-v") ||
                                                       startsWith(args[1], "-print") || startsWith(args[1], "-dump")));
  if (!queryOnly) {
    args.push_back("-fpass-plugin=" + plugin);
    // The plugin's content hash, linked into this wrapper (cmake/pass_identity.cmake): a
    // new pass relinks the wrapper, which is what compiler caches launching it notice. The
    // define records the pass in the compile command as well (visible in build logs, and
    // part of the key of a cache the wrapper itself would launch).
    args.push_back(std::string("-DCSNAKE_PASS_STAMP=") + kCsnakePassIdentity);
    args.push_back("-fno-omit-frame-pointer");
    // Hooks are called from the target into the shared runtime: call them through the
    // GOT directly instead of a PLT stub (one indirect jump less per hook call).
    args.push_back("-fno-plt");
    if (!haveDebug || debugOff) args.push_back("-gline-tables-only");
    if (linking) {
      args.push_back("-L" + libDir);
      args.push_back("-Wl,-rpath," + libDir);
      args.push_back("-lcsnake_rt");
    }
    const char *env = std::getenv(CSNAKE_ENV_ROOT);
    rootIn.environment = env ? env : "";
    rootIn.sourceFile = sources.empty() ? "" : sources.front();
    rootIn.workingDirectoryFallback = true;
    policy::RootChoice root = policy::chooseRoot(rootIn);
    if (!root.root.empty()) setenv(CSNAKE_ENV_ROOT, root.root.c_str(), 1);
    // Only when the pass runs: a preprocessor-only run (ccache's, a dependency scan)
    // decides nothing.
    if (compiling)
      for (const std::string &s : sources)
        if (!policy::relativeToRoot(policy::makeAbsolute(s), root.root)) {
          warnOutsideRoot(s, root);
          break;
        }
  }

  std::vector<char *> cargv;
  for (std::string &a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  std::fprintf(stderr, "%s: cannot run %s: %s\n", kName, compiler.c_str(), std::strerror(errno));
  return 127;
}
