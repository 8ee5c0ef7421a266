// Whether a site lies in a target's test code (issue 14): a test's own loops and checks
// are not the system under test, so injecting there finds cascades of the test harness
// (a delay in a test's polling loop makes the test wait longer). A campaign leaves such
// sites out of injection unless asked (`csnake campaign --inject-test-code`); they are
// still instrumented and traced, so effects in them are seen.
#pragma once

#include <string>

namespace csnake {

// By path convention (docs/orchestrator.md, "Test code"): a directory named test, tests,
// testing, unittest(s), testsuite, gtest, googletest or googlemock; or a file named
// *_test.*, *_tests.*, *_unittest.*, *-test.*, test_*.*, tst_*.* or *Test.* / *Tests.*
// (CamelCase).
bool isTestSourcePath(const std::string &file);

}  // namespace csnake
