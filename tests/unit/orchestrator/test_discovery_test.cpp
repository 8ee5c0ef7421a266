// Test discovery: GoogleTest listings, CTest JSON, explicit lists, filters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

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
