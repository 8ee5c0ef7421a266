// What csnake instruments; see instrument_policy.h. POSIX only, no LLVM, no exceptions
// (the plugin is built with -fno-exceptions).
#include "instrument_policy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

namespace csnake {
namespace policy {

namespace {

bool exists(const std::string &path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string realPath(const std::string &path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

std::string stripTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::optional<std::string> strip(const std::string &path, const std::string &root) {
  if (root == "/") return path.substr(1);
  if (path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/')
    return path.substr(root.size() + 1);
  return std::nullopt;
}

}  // namespace

std::string makeAbsolute(const std::string &path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return path;
  std::string dir(cwd);
  if (dir.back() != '/') dir.push_back('/');
  return dir + path;
}

std::string lexicallyNormal(const std::string &path) {
  const bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string> parts;
  size_t pos = absolute ? 1 : 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string c = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      // As remove_dots: ".." never climbs above the root; a relative path keeps leading "..".
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (absolute) continue;
    }
    parts.push_back(c);
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out += parts[i];
  }
  return out;
}

std::string normaliseDirectory(const std::string &dir) {
  if (dir.empty()) return dir;
  std::string real = realPath(dir);
  if (!real.empty()) return stripTrailingSlashes(real);
  return stripTrailingSlashes(lexicallyNormal(makeAbsolute(dir)));
}

std::string gitRootOf(const std::string &file) {
  std::string dir = lexicallyNormal(makeAbsolute(file));
  for (size_t slash = dir.rfind('/'); slash != std::string::npos && slash > 0; slash = dir.rfind('/')) {
    dir.resize(slash);
    if (exists(dir + "/.git")) return dir;
  }
  return "";
}

RootChoice chooseRoot(const RootInputs &in) {
  RootChoice c;
  auto pick = [&c](const std::string &dir, RootOrigin origin) {
    if (dir.empty()) return false;
    c.root = normaliseDirectory(dir);
    c.origin = origin;
    return true;
  };
  if (pick(in.explicitRoot, RootOrigin::Explicit)) return c;
  if (pick(in.environment, RootOrigin::Environment)) return c;
  // A git checkout keeps the root it always had, so site ids (hashes of root-relative
  // paths) of existing builds do not change; the project root only serves trees without
  // .git, where the old fallback (the working directory, i.e. the build tree) held no
  // source at all.
  if (!in.sourceFile.empty() && pick(gitRootOf(in.sourceFile), RootOrigin::GitCheckout)) return c;
  if (pick(in.projectRoot, RootOrigin::Project)) return c;
  if (in.workingDirectoryFallback) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && pick(cwd, RootOrigin::WorkingDirectory)) return c;
  }
  return RootChoice{};
}

const char *describe(RootOrigin origin) {
  switch (origin) {
    case RootOrigin::None: return "no root";
    case RootOrigin::Explicit: return "set explicitly";
    case RootOrigin::Environment: return "from CSNAKE_ROOT";
    case RootOrigin::GitCheckout: return "the git checkout of the source";
    case RootOrigin::Project: return "the project's source directory";
    case RootOrigin::WorkingDirectory: return "the compiler's working directory";
  }
  return "?";
}

const char *howToChangeRoot() { return "set CSNAKE_ROOT=DIR in the environment or configure with -DCSNAKE_ROOT=DIR"; }

std::optional<std::string> relativeToRoot(const std::string &absPath, const std::string &root) {
  if (root.empty() || absPath.empty() || absPath[0] != '/') return std::nullopt;
  std::string p = lexicallyNormal(absPath);
  if (auto rel = strip(p, root)) return rel;
  // The root had its symlinks resolved (normaliseDirectory); try the file's real path too.
  std::string real = realPath(p);
  if (!real.empty()) return strip(real, root);
  return std::nullopt;
}

}  // namespace policy
}  // namespace csnake
