// Test discovery: GoogleTest listings, CTest JSON, explicit lists, filters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "catalog/test_code.h"
#include "discovery/test_discovery.h"

using namespace csnake;

TEST(GtestList, ParsesPlainParameterisedAndTypedTests) {
  const std::string out =
      "Running main() from gtest_main.cc\n"
      "Dfs.\n"
      "  WritesAndReads\n"
      "  DISABLED_Slow\n"
      "Modes/ReplicationTest.\n"
      "  SurvivesNodeLoss/0  # GetParam() = 2\n"
      "  SurvivesNodeLoss/1  # GetParam() = 3\n"
      "Codec/0.  # TypeParam = int\n"
      "  RoundTrips\n"
      "DISABLED_Whole.\n"
      "  Anything\n";
  std::vector<std::string> ids = parseGtestList(out);
  std::vector<std::string> want = {"Dfs.WritesAndReads", "Modes/ReplicationTest.SurvivesNodeLoss/0",
                                   "Modes/ReplicationTest.SurvivesNodeLoss/1", "Codec/0.RoundTrips"};
  EXPECT_EQ(ids, want);
}

TEST(CtestJson, KeepsCommandsLabelsAndWorkingDirectories) {
  const std::string json = R"({"kind":"ctestInfo","version":{"major":1,"minor":0},"tests":[
    {"name":"Dfs.Write","command":["/b/dfs_tests","--gtest_filter=Dfs.Write"],
     "properties":[{"name":"LABELS","value":["target"]},{"name":"WORKING_DIRECTORY","value":"/b"}]},
    {"name":"lint","command":["/usr/bin/python3","lint.py"],"properties":[{"name":"LABELS","value":["style"]}]},
    {"name":"dfs_tests_NOT_BUILT"}]})";
  DiscoveryOptions opts;
  std::vector<TestCase> all = parseCtestJson(json, opts, false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "Dfs.Write");
  EXPECT_EQ(all[0].binary, "/b/dfs_tests");
  EXPECT_EQ(all[0].cwd, "/b");
  EXPECT_EQ(all[0].adapter, "ctest");
  EXPECT_EQ(all[0].labels, std::vector<std::string>{"target"});
  opts.labelFilter = "target";
  EXPECT_EQ(parseCtestJson(json, opts, false).size(), 1u);
  EXPECT_THROW(parseCtestJson("{not json", opts, false), DiscoveryError);
}

TEST(CtestJson, DropsTheParameterCommentOfGtestDiscoverTests) {
  const std::string json = R"({"kind":"ctestInfo","version":{"major":1,"minor":0},"tests":[
    {"name":"Modes/Repl.Survives/Fast  # GetParam() = true",
     "command":["/b/dfs_tests","--gtest_filter=Modes/Repl.Survives/Fast"]}]})";
  std::vector<TestCase> all = parseCtestJson(json, DiscoveryOptions{}, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, "Modes/Repl.Survives/Fast");
}

TEST(CtestJson, ExpandsAWholeGoogleTestBinaryIntoItsTests) {
  // This very binary is a GoogleTest binary: a CTest entry running it whole becomes one
  // test per GoogleTest test.
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  self[n] = '\0';
  std::string json = std::string(R"({"tests":[{"name":"all","command":[")") + self + R"("]}]})";
  std::vector<TestCase> tests = parseCtestJson(json, DiscoveryOptions{}, true);
  ASSERT_GT(tests.size(), 5u);
  bool foundMe = false;
  for (const TestCase &t : tests) {
    foundMe |= t.id == "CtestJson.ExpandsAWholeGoogleTestBinaryIntoItsTests";
    EXPECT_EQ(t.argv.at(1), "--gtest_filter=" + t.id);
  }
  EXPECT_TRUE(foundMe);
}

TEST(TestList, ReadsJsonAndTabSeparatedLists) {
  char path[] = "/tmp/csnake-list-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << R"([{"id":"a","argv":["/bin/true"]},{"id":"b","argv":["/bin/false","x"],"cwd":"/tmp"}])";
  std::vector<TestCase> j = parseTestList(path);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1].argv, (std::vector<std::string>{"/bin/false", "x"}));
  EXPECT_EQ(j[1].cwd, "/tmp");
  EXPECT_EQ(j[1].adapter, "list");
  std::ofstream(path) << "# comment\nfirst\t/bin/echo\thello world\n\nsecond\t/bin/true\n";
  std::vector<TestCase> t = parseTestList(path);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].argv, (std::vector<std::string>{"/bin/echo", "hello world"}));
  // A relative program path is resolved against the working directory of csnake: runs
  // execute elsewhere.
  std::ofstream(path) << "rel\tbin/tool\targ\n";
  std::vector<TestCase> rel = parseTestList(path);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(rel[0].argv[0], std::string(cwd) + "/bin/tool");
  std::ofstream(path) << "lonely-id-without-command\n";
  try {
    parseTestList(path);
    FAIL() << "accepted a line without a command";
  } catch (const DiscoveryError &e) {
    EXPECT_NE(std::string(e.what()).find(std::string(path) + ":1:"), std::string::npos) << e.what();
  }
  unlink(path);
}

TEST(TestList, PerTestEnvironmentAndEnvWrappers) {
  char path[] = "/tmp/csnake-list-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << R"([{"id":"obj","argv":["/bin/true"],"env":{"CK_RUN_CASE":"Core","MODE":"a=b"}},
                             {"id":"list","argv":["/bin/true"],"env":["X=1"]},
                             {"id":"wrapped","argv":["/usr/bin/env","CK_RUN_SUITE=S","CK_RUN_CASE=C","/bin/echo","hi"]}])";
  std::vector<TestCase> t = parseTestList(path);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].env, (std::vector<std::string>{"CK_RUN_CASE=Core", "MODE=a=b"}));
  EXPECT_EQ(t[1].env, std::vector<std::string>{"X=1"});
  // `env K=V PROGRAM`: the program is the test binary (its sites are csnake's to read).
  EXPECT_EQ(t[2].binary, "/bin/echo");
  EXPECT_EQ(t[2].argv, (std::vector<std::string>{"/bin/echo", "hi"}));
  EXPECT_EQ(t[2].env, (std::vector<std::string>{"CK_RUN_SUITE=S", "CK_RUN_CASE=C"}));
  std::ofstream(path) << R"([{"id":"bad","argv":["/bin/true"],"env":["no-assignment"]}])";
  try {
    parseTestList(path);
    FAIL() << "accepted an env entry that is no assignment";
  } catch (const DiscoveryError &e) {
    EXPECT_NE(std::string(e.what()).find("'no-assignment' is not a KEY=VALUE"), std::string::npos) << e.what();
  }
  unlink(path);
}

TEST(CtestJson, EnvironmentPropertyAndEnvWrappers) {
  const std::string json = R"({"tests":[
    {"name":"a","command":["/b/a_test"],"properties":[{"name":"ENVIRONMENT","value":["CK_FORK=no","P=x=y"]}]},
    {"name":"b","command":["/usr/bin/env","CK_RUN_CASE=Core","/b/b_test","-v"]},
    {"name":"c","command":["/usr/bin/env","-i","/b/c_test"]}]})";
  std::vector<TestCase> t = parseCtestJson(json, DiscoveryOptions{}, false);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].env, (std::vector<std::string>{"CK_FORK=no", "P=x=y"}));
  EXPECT_EQ(t[1].binary, "/b/b_test");
  EXPECT_EQ(t[1].argv, (std::vector<std::string>{"/b/b_test", "-v"}));
  EXPECT_EQ(t[1].env, std::vector<std::string>{"CK_RUN_CASE=Core"});
  EXPECT_EQ(t[2].binary, "/usr/bin/env") << "env with options runs as written";
}

TEST(CheckOutput, SuitesAndCasesOfAVerboseRun) {
  // libcheck prints the suite headers as suites start (the tests' own output in between)
  // and every result at the end.
  const std::string out =
      "Running suite(s): Arith\n"
      "RAN Arith/Sums\n"
      " Text\n"
      "RAN Text: strings\n"
      "75%: Checks: 4, Failures: 1, Errors: 0\n"
      "/src/check_x.c:17:P:Sums:test_sum_small:0: Passed\n"
      "/src/check_x.c:23:F:Sums:test_sum_zero:0: Assertion 'sum_to(0) == 1' failed: a: 0\n"
      "/src/check_x.c:32:E:Environment:test_env:0: (after this point) Received signal 11 (Segmentation fault)\n"
      "/src/check_x.c:38:P:Strings:test_strings:0: Passed\n";
  CheckListing l = parseCheckVerboseOutput(out);
  EXPECT_EQ(l.suites, (std::vector<std::string>{"Arith", "Text"}));
  EXPECT_EQ(l.cases, (std::vector<std::string>{"Sums", "Environment", "Strings"}));
  EXPECT_TRUE(parseCheckVerboseOutput("Running suite(s):100%: Checks: 0, Failures: 0, Errors: 0\n").cases.empty());
}

TEST(Discovery, MissingBuildDirectoryIsAOneLineError) {
  try {
    discoverTests("/nonexistent/build", "", DiscoveryOptions{});
    FAIL();
  } catch (const DiscoveryError &e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/build: build directory does not exist");
  }
}

TEST(Filter, GoogleTestStylePositiveAndNegativePatterns) {
  EXPECT_TRUE(matchesGtestFilter("Dfs.Write", ""));
  EXPECT_TRUE(matchesGtestFilter("Dfs.Write", "Dfs.*"));
  EXPECT_FALSE(matchesGtestFilter("Lease.Recover", "Dfs.*"));
  EXPECT_TRUE(matchesGtestFilter("Lease.Recover", "Dfs.*:Lease.*"));
  EXPECT_FALSE(matchesGtestFilter("Dfs.SlowWrite", "Dfs.*-*Slow*"));
  EXPECT_TRUE(matchesGtestFilter("Dfs.Write", "-*Slow*"));
  EXPECT_TRUE(matchesGtestFilter("Modes/R.T/1", "*/R.T/?"));
}

TEST(TestCode, PathConventionsOfTestSources) {
  for (const char *f : {"tests/e2e/programs/misbehaving_test.cpp", "galera/tests/certification_check.cpp",
                        "src/net/socket_test.cc", "src/net/socket_unittest.cc", "lib/test_util.c", "Foo/BarTest.java",
                        "/usr/include/gtest/gtest.h", "proj/Testing/harness.cpp", "a/b/FrameTests.cpp"})
    EXPECT_TRUE(isTestSourcePath(f)) << f;
  for (const char *f : {"targets/minidfs/src/rpc/rpc_server.cpp", "src/latest.cc", "src/contest/entry.cpp",
                        "src/attestation.cpp", "src/checkpoint.cc", "", "src/testament.cpp"})
    EXPECT_FALSE(isTestSourcePath(f)) << f;
}
