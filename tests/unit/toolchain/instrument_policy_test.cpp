// toolchain/instrument_policy: the order in which the root is chosen, path normalisation
// (must agree with LLVM's remove_dots, which the pass used before), and containment.
#include "instrument_policy.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace csnake::policy;

namespace {

struct Tree {
  std::string path;
  Tree() {
    char t[] = "/tmp/csnake-policy-XXXXXX";
    if (!mkdtemp(t)) throw std::runtime_error("mkdtemp");
    path = fs::canonical(t).string();
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string &rel) {
    fs::create_directories(fs::path(path + "/" + rel).parent_path());
    std::ofstream(path + "/" + rel) << "int x;\n";
    return path + "/" + rel;
  }
};

}  // namespace

TEST(InstrumentPolicy, LexicallyNormalMatchesRemoveDots) {
  EXPECT_EQ(lexicallyNormal("/a/./b//c/"), "/a/b/c");
  EXPECT_EQ(lexicallyNormal("/a/b/../c"), "/a/c");
  EXPECT_EQ(lexicallyNormal("/../a"), "/a");
  EXPECT_EQ(lexicallyNormal("/a/.."), "/");
  EXPECT_EQ(lexicallyNormal("/"), "/");
  EXPECT_EQ(lexicallyNormal("a/../../b"), "../b");
  EXPECT_EQ(lexicallyNormal("./a/b/.."), "a");
}

TEST(InstrumentPolicy, RootOrderExplicitEnvironmentGitProjectWorkingDirectory) {
  Tree t;
  fs::create_directories(t.path + "/repo/.git");
  std::string inRepo = t.file("repo/src/x.cpp");
  std::string plain = t.file("plain/src/y.cpp");
  fs::create_directories(t.path + "/explicit");
  fs::create_directories(t.path + "/env");

  RootInputs in;
  in.explicitRoot = t.path + "/explicit/";
  in.environment = t.path + "/env";
  in.sourceFile = inRepo;
  in.projectRoot = t.path + "/plain";
  in.workingDirectoryFallback = true;
  RootChoice c = chooseRoot(in);
  EXPECT_EQ(c.root, t.path + "/explicit");
  EXPECT_EQ(c.origin, RootOrigin::Explicit);

  in.explicitRoot.clear();
  c = chooseRoot(in);
  EXPECT_EQ(c.root, t.path + "/env");
  EXPECT_EQ(c.origin, RootOrigin::Environment);

  in.environment.clear();
  c = chooseRoot(in);
  EXPECT_EQ(c.root, t.path + "/repo") << "a git checkout keeps its root, whatever the toolchain says";
  EXPECT_EQ(c.origin, RootOrigin::GitCheckout);

  in.sourceFile = plain;
  c = chooseRoot(in);
  EXPECT_EQ(c.root, t.path + "/plain");
  EXPECT_EQ(c.origin, RootOrigin::Project);

  in.projectRoot.clear();
  c = chooseRoot(in);
  EXPECT_EQ(c.root, fs::canonical(fs::current_path()).string());
  EXPECT_EQ(c.origin, RootOrigin::WorkingDirectory);

  in.workingDirectoryFallback = false;
  c = chooseRoot(in);
  EXPECT_EQ(c.root, "");
  EXPECT_EQ(c.origin, RootOrigin::None);
}

TEST(InstrumentPolicy, GitRootIsTheNearestAncestorHoldingDotGitFileOrDirectory) {
  Tree t;
  fs::create_directories(t.path + "/outer/.git");
  fs::create_directories(t.path + "/outer/sub");
  std::ofstream(t.path + "/outer/sub/.git") << "gitdir: ../.git/modules/sub\n";  // a submodule
  EXPECT_EQ(gitRootOf(t.file("outer/sub/a/b.cpp")), t.path + "/outer/sub");
  EXPECT_EQ(gitRootOf(t.file("outer/c.cpp")), t.path + "/outer");
  EXPECT_EQ(gitRootOf(t.path + "/outer/sub/../d.cpp"), t.path + "/outer") << "'..' resolved before the walk";
  EXPECT_EQ(gitRootOf(t.file("elsewhere/e.cpp")), "");
}

TEST(InstrumentPolicy, RelativeToRoot) {
  Tree t;
  std::string root = normaliseDirectory(t.path + "/proj/");
  t.file("proj/src/a.cpp");
  EXPECT_EQ(root, t.path + "/proj");
  EXPECT_EQ(relativeToRoot(t.path + "/proj/src/a.cpp", root).value_or("-"), "src/a.cpp");
  EXPECT_EQ(relativeToRoot(t.path + "/proj/src/../src/./a.cpp", root).value_or("-"), "src/a.cpp");
  EXPECT_FALSE(relativeToRoot(t.path + "/project2/a.cpp", root)) << "a sibling sharing the prefix is outside";
  EXPECT_FALSE(relativeToRoot(t.path + "/proj", root)) << "the root itself is no file under it";
  EXPECT_FALSE(relativeToRoot("proj/src/a.cpp", root)) << "relative paths are never under a root";
  EXPECT_FALSE(relativeToRoot(t.path + "/proj/a.cpp", ""));
  EXPECT_EQ(relativeToRoot("/usr/include/stdio.h", "/").value_or("-"), "usr/include/stdio.h");

  // A root reached through a symlink is resolved; files named through the link still match.
  fs::create_directory_symlink(t.path + "/proj", t.path + "/link");
  std::string viaLink = normaliseDirectory(t.path + "/link");
  EXPECT_EQ(viaLink, t.path + "/proj");
  EXPECT_EQ(relativeToRoot(t.path + "/link/src/a.cpp", viaLink).value_or("-"), "src/a.cpp");

  // A root that does not exist is made absolute and normalised lexically.
  EXPECT_EQ(normaliseDirectory(t.path + "/missing/./x/../y/"), t.path + "/missing/y");
}
