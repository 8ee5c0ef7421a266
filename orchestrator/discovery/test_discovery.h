// Finding the tests of a target build (DESIGN.md §3.2): GoogleTest binaries
// (--gtest_list_tests, parameterised and typed tests included), CTest
// (`ctest --show-only=json-v1`; a test running a whole GoogleTest or check binary becomes
// one test per GoogleTest test or check case), or an explicit list file.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "csnake/common/test_case.h"

namespace csnake {

class DiscoveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DiscoveryOptions {
  std::string labelFilter;  // CTest: only tests carrying this label ("" = all)
  double listTimeoutSeconds = 30;
  // A check binary is listed by running it once (libcheck has no list option).
  double checkListTimeoutSeconds = 600;
};

// Parses the output of `BINARY --gtest_list_tests` into test ids ("Suite.Test",
// "Inst/Suite.Test/0", "Typed/0.Test"); disabled tests are skipped.
std::vector<std::string> parseGtestList(const std::string &output);

// Runs `binary --gtest_list_tests`; one TestCase per test, run with --gtest_filter=ID.
std::vector<TestCase> discoverGtestBinary(const std::string &binary, const DiscoveryOptions &opts);

// libcheck's verbose output (CK_VERBOSITY=verbose): the suites that ran and the cases
// with a result, each in order of appearance (the output does not pair them).
struct CheckListing {
  std::vector<std::string> suites, cases;
};
CheckListing parseCheckVerboseOutput(const std::string &output);

// A check test binary's cases: it is run verbose once (and once per suite when it has
// several, to pair cases with suites), in a temporary directory; each case becomes a test
// run with CK_RUN_SUITE, CK_RUN_CASE and CK_FORK=no ("ID/SUITE/CASE").
std::vector<TestCase> discoverCheckCases(const TestCase &whole, const DiscoveryOptions &opts);

// `env K=V… PROGRAM ARGS…` becomes PROGRAM ARGS… with K=V… in the test's environment.
void unwrapEnvCommand(TestCase &tc);

// Parses `ctest --show-only=json-v1` output (WORKING_DIRECTORY, LABELS, ENVIRONMENT). Commands that run a whole GoogleTest binary
// (no --gtest_filter) are expanded into one TestCase per test by `expandGtest`.
std::vector<TestCase> parseCtestJson(const std::string &json, const DiscoveryOptions &opts,
                                     bool expandWholeGtestBinaries);

// An explicit list: a JSON array of {"id": ..., "argv": [...], "cwd": optional, "env":
// optional {"KEY": "VALUE"} or ["KEY=VALUE"]}, or a text file of lines
// "ID<TAB>ARG<TAB>ARG..." ('#' comments).
std::vector<TestCase> parseTestList(const std::string &path);

// `--build DIR`: CTest when DIR has a CTestTestfile.cmake, else every GoogleTest binary
// found in DIR and DIR/bin; `--tests-file FILE` overrides both.
std::vector<TestCase> discoverTests(const std::string &buildDir, const std::string &listFile,
                                    const DiscoveryOptions &opts);

// Keeps tests whose id matches the GoogleTest-style filter ("A.*:B.c-A.slow").
std::vector<TestCase> filterTests(const std::vector<TestCase> &tests, const std::string &filter);
bool matchesGtestFilter(const std::string &id, const std::string &filter);

}  // namespace csnake
