// What an executor needs to perform one run, self-contained so that a backend on another
// machine (a cluster scheduler) could perform it: argv, environment, limits, and where its
// trace must land (under a results root, addressed by run id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "csnake/common/plan.h"
#include "process/subprocess.h"

namespace csnake {

struct RunSpec {
  int64_t runId = 0;
  std::vector<std::string> argv;
  std::vector<std::string> env;  // additions to the executor's base environment, KEY=VALUE
  std::string cwd;               // "" = the run's own temp directory
  std::optional<Plan> plan;      // nothing = profile run (nothing armed)
  double timeoutSeconds = 60;
  std::string runDir;  // results root / runs / <id>: trace/, plan.json, output.log
};

struct RunResult {
  int64_t runId = 0;
  ProcessStatus status;
  std::string traceDir;  // where the run's trace files are
  std::string logPath;   // combined stdout + stderr of the test
};

}  // namespace csnake
