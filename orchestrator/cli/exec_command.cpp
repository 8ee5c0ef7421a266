// `csnake exec`: run one command with (optionally) one fault armed and its trace recorded
// (the work: exec/foreground_run.h).
//
//   csnake exec [--fault ID] [--context LOOP_ID] [--delay-ms N] [--errno NAME]
//               [--mode once|always|p=X] [--seed N] [--skip N] [--node NAME]
//               --trace-out DIR -- CMD ARGS...
//
// Exit status: the command's, 128+N when killed by signal N, 127 when it cannot be run,
// 2 for bad usage or when DIR or its plan cannot be set up.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "commands.h"
#include "csnake/common/plan.h"
#include "csnake/common/site_id.h"
#include "exec/foreground_run.h"

namespace csnake::cli {

namespace {

struct ExecArgs {
  std::string errnoName, mode = "once", traceOut, node;
  std::optional<uint64_t> fault, context, seed;
  std::optional<int64_t> delayMs;
  std::optional<uint64_t> skip;
  std::vector<std::string> command;  // everything after "--"
};

int runExecCommand(const ExecArgs &a) {
  if (a.command.empty()) {
    std::fprintf(stderr, "csnake exec: missing command after --\n");
    return 127;
  }
  if (a.traceOut.empty()) throw UsageError("--trace-out DIR is required");
  if (!a.fault && (a.context || a.delayMs || !a.errnoName.empty() || a.skip))
    throw UsageError("--context/--delay-ms/--errno/--skip need --fault");
  ForegroundRun run;
  run.traceDir = a.traceOut;
  run.node = a.node;
  run.argv = a.command;
  if (a.fault) {
    Plan &plan = run.plan.emplace();
    plan.fault = *a.fault;
    plan.context = a.context.value_or(0);
    plan.mode = a.mode;
    plan.delayMs = a.delayMs;
    plan.errnoName = a.errnoName;
    plan.seed = a.seed;
    plan.skip = a.skip.value_or(0);
  }
  // Exit statuses of exec's own: 2 when what it was asked cannot be set up, 127 when the
  // command cannot be run; otherwise the command's.
  try {
    return runInForeground(run);
  } catch (const RunSetupError &e) {
    std::fprintf(stderr, "csnake exec: %s\n", e.what());
    return 2;
  } catch (const RunLaunchError &e) {
    std::fprintf(stderr, "csnake exec: %s\n", e.what());
    return 127;
  }
}

}  // namespace

Command addExecCommand(CLI::App &root) {
  auto a = std::make_shared<ExecArgs>();
  CLI::App *app = root.add_subcommand("exec", "run a command with one fault armed and record its trace");
  auto siteId = [](std::optional<uint64_t> &out, bool nonZero) {
    return [&out, nonZero](const std::string &text) {
      std::optional<uint64_t> id = parseSiteId(text);
      if (!id || (nonZero && *id == 0)) return false;
      out = id;
      return true;
    };
  };
  addChecked(*app, "--fault", siteId(a->fault, true), "must be a non-zero site id in hex, e.g. 0x1f2e...",
             "the fault site to arm")
      ->type_name("ID");
  addChecked(*app, "--context", siteId(a->context, false), "must be a site id in hex, e.g. 0x1f2e...",
             "only inject when this loop is the innermost one on the stack (default: any)")
      ->type_name("LOOP_ID");
  addCount(*app, "--delay-ms", a->delayMs, 0, kMaxPlanDelayMs, "per-iteration delay of a LOOP fault");
  app->add_option("--errno", a->errnoName, "errno of a LIBCALL fault, e.g. ECONNRESET (default EIO)")
      ->type_name("NAME");
  addChecked(
      *app, "--mode",
      [a](const std::string &text) {
        if (!validPlanMode(text)) return false;
        a->mode = text;
        return true;
      },
      "is once, always or p=<0..1>", "once (default), always, or p=X: each opportunity with probability X")
      ->type_name("MODE");
  addSeed(*app, "--seed", a->seed, "seed of the p= mode");
  addCount(*app, "--skip", a->skip, 0, int64_t(kMaxPlanSkip),
           "let the first N matching opportunities of each process pass before the mode applies (inject in "
           "steady state rather than at start-up)");
  app->add_option("--node", a->node, "node name of the processes (CSNAKE_NODE)")->type_name("NAME");
  app->add_option("--trace-out", a->traceOut, "trace directory (created; csnake artefacts of an earlier run removed)")
      ->type_name("DIR");
  app->footer("Runs CMD (no shell) with the fault ID armed, if given, and writes its trace into DIR.");
  return {app, [a] { return runExecCommand(*a); }, &a->command};
}

}  // namespace csnake::cli
