// One command run in the foreground with (optionally) one fault armed and its trace
// recorded: what `csnake exec` does, apart from parsing and printing.
//
// Creates the trace directory (removing csnake artefacts of an earlier run there:
// *.cstrace, plan.json, once-*.fired, so runs never mix), writes DIR/plan.json when a plan
// is given, and runs the command (execvp, no shell; stdio inherited) with
// CSNAKE_TRACE_DIR=DIR and CSNAKE_PLAN=DIR/plan.json in its own process group. SIGINT,
// SIGTERM and SIGHUP are forwarded to the group while it runs.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "csnake/common/plan.h"

namespace csnake {

struct ForegroundRun {
  std::string traceDir;
  std::optional<Plan> plan;       // nothing = nothing armed (CSNAKE_PLAN unset)
  std::string node;               // CSNAKE_NODE; "" = inherited
  std::vector<std::string> argv;  // non-empty; argv[0] looked up in PATH
};

// The trace directory or the plan cannot be set up ("DIR: cannot create: ...").
class RunSetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command could not be started or waited for ("CMD: No such file or directory").
class RunLaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command's exit status, or 128 + N when signal N ended it.
int runInForeground(const ForegroundRun &run);

}  // namespace csnake
