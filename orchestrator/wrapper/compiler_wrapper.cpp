// csnake-clang / csnake-clang++: compiler wrappers that build any project instrumented,
// with no change to its sources. They run clang-14 with the csnake pass plugin, frame
// pointers (the runtime walks them for call-site signatures) and line tables (the pass
// keeps only code under the project root, which it learns from debug info), and link the
// shared runtime with an rpath, so the result runs from anywhere.
//
//   CXX=<csnake>/build/bin/csnake-clang++ cmake ...      or
//   cmake -DCMAKE_TOOLCHAIN_FILE=<csnake>/cmake/csnake-toolchain.cmake ...
//
// Environment: CSNAKE_ROOT (project root for site files; default: the nearest ancestor of
// the first source file holding .git, else the working directory), CSNAKE_CLANG /
// CSNAKE_CLANGXX (the real compiler; default clang-14 / clang++-14).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef CSNAKE_WRAPPER_CXX
#error "define CSNAKE_WRAPPER_CXX to 0 (C) or 1 (C++)"
#endif

extern const char kCsnakePassIdentity[];  // pass_identity.cpp (generated)

namespace {

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

std::string absolute(const std::string &path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return path;
  return std::string(cwd) + "/" + path;
}

// Nearest ancestor directory of `file` that holds a .git entry; empty if none.
std::string gitRootOf(const std::string &file) {
  std::string dir = absolute(file);
  for (size_t slash = dir.rfind('/'); slash != std::string::npos && slash > 0; slash = dir.rfind('/')) {
    dir.resize(slash);
    if (exists(dir + "/.git")) return dir;
  }
  return "";
}

}  // namespace

int main(int argc, char **argv) {
  const std::string libDir = selfDir() + "/../lib";
  const std::string plugin = libDir + "/libcsnake_pass.so";
  const std::string runtime = libDir + "/libcsnake_rt.so";
  const char *name = CSNAKE_WRAPPER_CXX ? "csnake-clang++" : "csnake-clang";
  for (const std::string &needed : {plugin, runtime}) {
    if (!exists(needed)) {
      std::fprintf(stderr, "%s: %s is missing (build csnake first)\n", name, needed.c_str());
      return 1;
    }
  }

  const char *compilerEnv = std::getenv(CSNAKE_WRAPPER_CXX ? "CSNAKE_CLANGXX" : "CSNAKE_CLANG");
  std::string compiler = compilerEnv && *compilerEnv ? compilerEnv : (CSNAKE_WRAPPER_CXX ? "clang++-14" : "clang-14");

  bool linking = true, haveDebug = false, debugOff = false;
  std::string firstSource;
  std::vector<std::string> args{compiler};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    // The legacy pass manager silently ignores -fpass-plugin (TOOLCHAIN-NOTES).
    if (a == "-flegacy-pass-manager") continue;
    if (a == "-c" || a == "-S" || a == "-E" || a == "-fsyntax-only" || a == "-M" || a == "-MM") linking = false;
    if (a == "-g0") debugOff = true;
    else if (startsWith(a, "-g") && !startsWith(a, "-gsplit") && !startsWith(a, "-gz")) haveDebug = true;
    if (firstSource.empty() && isSourceFile(a)) firstSource = a;
    args.push_back(a);
  }
  const bool queryOnly = argc == 1 || (argc == 2 && (startsWith(argv[1], "--version") || startsWith(argv[1], "-v") ||
                                                      startsWith(argv[1], "-print") || startsWith(argv[1], "-dump")));
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
    const char *root = std::getenv("CSNAKE_ROOT");
    if (!root || !*root) {
      std::string guess = firstSource.empty() ? "" : gitRootOf(firstSource);
      if (guess.empty()) {
        char cwd[4096];
        guess = getcwd(cwd, sizeof cwd) ? cwd : ".";
      }
      setenv("CSNAKE_ROOT", guess.c_str(), 1);
    }
  }

  std::vector<char *> cargv;
  for (std::string &a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  std::fprintf(stderr, "%s: cannot run %s: %s\n", name, compiler.c_str(), std::strerror(errno));
  return 127;
}
