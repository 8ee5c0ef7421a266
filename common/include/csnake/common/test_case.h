// A test csnake can run: one process per run, identified by a stable id.
#pragma once

#include <string>
#include <vector>

namespace csnake {

struct TestCase {
  std::string id;                 // "Suite.Name" for GoogleTest, the CTest name otherwise
  std::string binary;             // absolute path of the executable
  std::string adapter;            // "gtest", "ctest" or "list"
  std::vector<std::string> argv;  // the complete command of one run
  std::string cwd;                // working directory ("" = the run's temp dir)
  std::vector<std::string> labels;
  // KEY=VALUE set for every run of it (a list's "env", CTest's ENVIRONMENT property, or an
  // `env K=V… PROGRAM` wrapper), e.g. CK_RUN_CASE=Name for one case of a check suite.
  std::vector<std::string> env;
};

}  // namespace csnake
