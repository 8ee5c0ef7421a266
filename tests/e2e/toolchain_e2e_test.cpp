// toolchain/csnake-toolchain.cmake on a project that is not a git checkout (a release
// tarball, a copied tree): its sources are instrumented relative to its source directory,
// a source outside that root is warned about once per build, and `csnake campaign` says
// why a binary without sites is unusable. Nothing here may depend on CSNAKE_* variables
// of the environment the test runs in: every command runs with them removed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "e2e_util.h"

extern char **environ;

using e2e::Result;
using e2e::run;
namespace fs = std::filesystem;

namespace {

// argv prefixed with `env -u NAME` for every CSNAKE_* variable of this process (and
// `-C cwd` when given).
std::vector<std::string> scrubbed(const std::vector<std::string> &argv, const std::string &cwd = "") {
  std::vector<std::string> a{"/usr/bin/env"};
  if (!cwd.empty()) a.insert(a.end(), {"-C", cwd});
  for (char **e = environ; *e; ++e) {
    std::string kv(*e);
    if (kv.rfind("CSNAKE_", 0) == 0) {
      a.push_back("-u");
      a.push_back(kv.substr(0, kv.find('=')));
    }
  }
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

std::vector<std::string> linesWith(const std::string &text, const std::string &needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

const char kOutsideWarning[] = "lies outside the instrumentation root";

void appendLine(const std::string &path, const std::string &line) {
  std::ofstream(path, std::ios::app) << line << "\n";
}

}  // namespace

TEST(ToolchainNonGitProject, InstrumentedRelativeToItsSourceDirAndWarnsOncePerBuild) {
  e2e::TempDir t;
  const std::string project = t.path + "/plain_project", extra = t.path + "/plain_outside", build = t.path + "/build";
  fs::copy(PLAIN_PROJECT_SRC, project, fs::copy_options::recursive);
  fs::copy(PLAIN_OUTSIDE_SRC, extra, fs::copy_options::recursive);
  // The point of the test: no .git above the copy (else the git root decides the root).
  Result git = run({GIT_BIN, "-C", project, "rev-parse", "--git-dir"});
  ASSERT_NE(git.status, 0) << project << " is inside a git checkout: " << git.out;
  const std::string root = fs::canonical(project).string();

  Result conf = run(scrubbed({CMAKE_BIN, "-S", project, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                              "-DCMAKE_TOOLCHAIN_FILE=" TOOLCHAIN_FILE, "-DCSNAKE_BUILD_DIR=" CSNAKE_BUILD_DIR,
                              "-DPLAIN_PROJECT_EXTRA_DIR=" + extra}),
                    300);
  ASSERT_EQ(conf.status, 0) << conf.out << conf.err;
  // CMake's own compiles (compiler identification, try_compile checks) lie outside the
  // root; their output goes to CMake's log, where a warning could make a flag check fail.
  std::string configureLog;
  for (const char *log : {"/CMakeFiles/CMakeOutput.log", "/CMakeFiles/CMakeConfigureLog.yaml"})
    if (std::ifstream in(build + log); in) configureLog.append(std::istreambuf_iterator<char>(in), {});
  ASSERT_FALSE(configureLog.empty()) << "no CMake configure log in " << build;
  EXPECT_TRUE(linesWith(conf.out + conf.err + configureLog, kOutsideWarning).empty())
      << "CMake's own compiles must stay quiet:\n"
      << conf.out << conf.err;

  Result b = run(scrubbed({CMAKE_BIN, "--build", build}), 300);
  ASSERT_EQ(b.status, 0) << b.out << b.err;
  // Two sources lie outside the root: one line for the whole build, naming the file, the
  // root and the way to change it.
  std::vector<std::string> warned = linesWith(b.out + b.err, kOutsideWarning);
  ASSERT_EQ(warned.size(), 1u) << b.out << b.err;
  EXPECT_NE(warned[0].find("/plain_outside/extra_"), std::string::npos) << warned[0];
  EXPECT_NE(warned[0].find("root " + root + " (the project's source directory)"), std::string::npos) << warned[0];
  EXPECT_NE(warned[0].find("CSNAKE_ROOT"), std::string::npos) << warned[0];

  Result sites = run({CSNAKE_BIN, "sites", build + "/plain_test", "--json", "--all"});
  ASSERT_EQ(sites.status, 0) << sites.err;
  nlohmann::json cat = nlohmann::json::parse(sites.out);
  std::set<std::string> files, ledgerKinds;
  for (const auto &s : cat) {
    files.insert(s["file"].get<std::string>());
    if (s["file"] == "src/ledger.cpp") ledgerKinds.insert(s["kind"].get<std::string>());
  }
  EXPECT_EQ(files, (std::set<std::string>{"src/ledger.cpp", "src/main.cpp"}))
      << "sites relative to the project's source dir, none from the sources outside it";
  EXPECT_TRUE(ledgerKinds.count("THROW")) << sites.out;
  EXPECT_TRUE(ledgerKinds.count("LOOP")) << sites.out;

  // The instrumented program still works (the throw guard, caught in main): 5 + 6, plus
  // extraA(11) and extraB(11), the 14 Collatz steps from 11 each.
  Result ok = run({build + "/plain_test", "5", "6"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "39\n");
  Result rejected = run({build + "/plain_test", "5", "-1"});
  EXPECT_EQ(rejected.status, 1);
  EXPECT_NE(rejected.out.find("rejected: negative entry"), std::string::npos) << rejected.out;

  // A new configuration warns again, once, however many outside sources recompile.
  appendLine(extra + "/extra_a.cpp", "// edited");
  appendLine(extra + "/extra_b.cpp", "// edited");
  conf = run(scrubbed({CMAKE_BIN, "-S", project, "-B", build}), 300);
  ASSERT_EQ(conf.status, 0) << conf.out << conf.err;
  b = run(scrubbed({CMAKE_BIN, "--build", build}), 300);
  ASSERT_EQ(b.status, 0) << b.out << b.err;
  EXPECT_EQ(linesWith(b.out + b.err, kOutsideWarning).size(), 1u) << b.out << b.err;
}

TEST(ToolchainNonGitProject, CampaignSaysWhyNoBinaryHasSites) {
  e2e::TempDir t;
  const std::string src = t.path + "/p.cpp", elsewhere = t.path + "/elsewhere";
  e2e::writeFile(src,
                 "#include <stdexcept>\nint main(int argc, char **) {\n  for (int i = 0; i < argc; ++i)\n"
                 "    if (i > 5) throw std::runtime_error(\"many\");\n  return 0;\n}\n");
  fs::create_directories(elsewhere);
  // Built without csnake, and built with it against a root that holds none of its sources.
  Result plain = run({CLANGXX_BIN, "-g", "-o", t.path + "/plain", src});
  ASSERT_EQ(plain.status, 0) << plain.err;
  // From the temp dir: the test's own working directory is inside csnake's build tree,
  // whose warn-once marker would make the warning checked below depend on earlier runs.
  Result empty = run(scrubbed(
      {CSNAKE_BUILD_DIR "/bin/csnake-clang++", "--csnake-root=" + elsewhere, "-g", "-o", t.path + "/empty", src},
      t.path));
  ASSERT_EQ(empty.status, 0) << empty.err;
  EXPECT_NE(empty.err.find(std::string("p.cpp ") + kOutsideWarning + " " + fs::canonical(elsewhere).string() +
                           " (set explicitly)"),
            std::string::npos)
      << "outside a CMake build tree every such compile warns:\n"
      << empty.err;

  nlohmann::json tests = nlohmann::json::array();
  tests.push_back({{"id", "plain"}, {"argv", {t.path + "/plain"}}});
  tests.push_back({{"id", "empty"}, {"argv", {t.path + "/empty"}}});
  e2e::writeFile(t.path + "/tests.json", tests.dump());
  Result r = run({CSNAKE_BIN, "campaign", "--tests-file", t.path + "/tests.json", "--db", t.path + "/c.db"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("2 test binaries found, none has a csnake_sites section"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("; 1 is not compiled with csnake's wrappers (configure the project with "
                       "-DCMAKE_TOOLCHAIN_FILE=<csnake>/toolchain/csnake-toolchain.cmake)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("; 1 is built with csnake but has 0 sites under the instrumentation root " +
                       fs::canonical(elsewhere).string() + ": its sources lie outside that root"),
            std::string::npos)
      << r.err;
}
