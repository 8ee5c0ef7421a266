// `csnake campaign --build DIR --db FILE [--budget RUNS | --time 2h] [--jobs N]
//  [--repeats R] [--allocator NAME] [--seed N] [--tests FILTER] ...`
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "allocation/allocator.h"
#include "analysis.h"
#include "campaign/campaign_runner.h"
#include "cli/options.h"
#include "commands.h"

namespace csnake::cli {

namespace {

std::atomic<bool> gStop{false};

void onInterrupt(int) {
  // First Ctrl-C: stop cleanly (runs in flight are killed and re-planned). A second one
  // falls through to the default action.
  gStop = true;
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

constexpr double kHour = 3600;

int runCampaignCommand(CampaignOptions o, bool skipAnalysis) {
  if ((o.buildDir.empty() && o.testsFile.empty()) || o.dbPath.empty())
    throw UsageError("--build (or --tests-file) and --db are required");
  std::sort(o.delaysMs.begin(), o.delaysMs.end());
  signal(SIGINT, onInterrupt);
  signal(SIGTERM, onInterrupt);
  signal(SIGPIPE, SIG_IGN);
  // Between allocation rounds: the analyzer refreshes the effects the adaptive allocators
  // read, of the experiments with new runs only (analyzeNewRuns); edges and cycles come
  // at the end. A failure there is reported and does not stop the campaign.
  o.analyze = [](CampaignDb &db) {
    try {
      analyzer::AnalysisOptions between;
      between.stop = &gStop;  // Ctrl-C stops it too; the campaign then ends as interrupted
      analyzer::analyzeNewRuns(db, between);
    } catch (const analyzer::AnalysisInterrupted &) {
    } catch (const std::exception &e) {
      std::fprintf(stderr, "csnake campaign: analysis between rounds: %s\n", e.what());
    }
  };
  int rc = runCampaign(o, gStop);
  // `csnake analyze` is also run at the end of a finished campaign.
  // The final analysis stops on the same Ctrl-C / SIGTERM as the campaign (before writing).
  if (rc == 0 && !skipAnalysis) return analyzeDatabaseFile(o.dbPath, analyzer::AnalysisOptions{}, false, &gStop);
  return rc;
}

struct CampaignArgs {
  CampaignOptions options;
  bool skipAnalysis = false;
};

}  // namespace

Command addCampaignCommand(CLI::App &root) {
  auto a = std::make_shared<CampaignArgs>();
  CampaignOptions &o = a->options;
  CLI::App *app = root.add_subcommand("campaign", "profile and inject across a target's tests (resumable)");
  app->add_option("--build", o.buildDir, "target build directory (CTest or GoogleTest binaries)")->type_name("DIR");
  app->add_option("--tests-file", o.testsFile, "explicit test list instead of discovery")->type_name("FILE");
  app->add_option("--db", o.dbPath, "campaign database (created, or resumed when it exists)")->type_name("FILE");
  addCount(*app, "--budget", o.budgetRuns, 0, 1'000'000'000,
           "injection runs to spend (default 60; profile runs are extra)");
  addSeconds(*app, "--time", o.timeLimitSeconds, Interval{0, 365 * 24 * kHour},
             "wall-clock limit, e.g. 90s, 30m, 2h (default 0: none)");
  addCount(*app, "--jobs", o.jobs, 1, 256, "parallel runs (default: number of cores)");
  addCount(*app, "--repeats", o.repeats, 1, 100, "repeats of every injection experiment (default 3)");
  addCount(*app, "--profile-repeats", o.profileRepeats, 1, 100,
           "profile runs per test (default: max(5, R)); more profile runs sharpen the analyzer's statistics at "
           "little cost (one profile experiment per test, many injection experiments)");
  addChecked(
      *app, "--inject-at", [&o](const std::string &text) { return parseInjectAt(text, o.injectAt); },
      "is first or middle",
      "middle (default): skip half of the fault's reaches in the profile (fewest over its runs) and inject in "
      "steady state; first: inject at the first reach (usually start-up)")
      ->type_name("POINT");
  addCount(*app, "--injection-points", o.injectionPoints, 1, 64,
           "points per error fault and test (default 8): budget the policy leaves unused tries faults it chose "
           "again at other points of their runs (1/4, 3/4, 1/8, ... of their reaches); 1: only --inject-at's");
  std::string known;
  for (const std::string &name : allocatorNames()) known += (known.empty() ? "" : ", ") + name;
  addChecked(
      *app, "--allocator",
      [&o](const std::string &text) {
        if (!makeAllocator(text)) return false;
        o.allocator = text;
        return true;
      },
      "must be one of " + known, "budget allocation policy: " + known + " (default 3pa)")
      ->type_name("NAME");
  addSeed(*app, "--seed", o.seed, "seed of the allocator and of p= modes (default 1)");
  app->add_option("--tests", o.testFilter, "GoogleTest-style filter on test ids, e.g. 'Dfs*:-*Slow*'")
      ->type_name("FILTER");
  addSiteIds(*app, "--faults", o.faultFilter, "only inject these fault sites (comma-separated site ids, 0x...)");
  app->add_flag("--inject-test-code", o.injectTestCode,
                "inject sites in the target's test code too (tests/ directories, *_test.* files, ...; by default "
                "they are traced, not injected)");
  app->add_option("--label", o.label, "only CTest tests with this label")->type_name("LABEL");
  addSeconds(*app, "--timeout", o.runTimeoutSeconds, Interval{0, 7 * 24 * kHour, true, false},
             "per-run timeout (default 60 s)");
  addMillisList(*app, "--delays", o.delaysMs, 1, 3'600'000, "per-iteration delays of delay faults (default 100,500)");
  addChecked(
      *app, "--phase-split",
      [&o](const std::string &text) {
        std::optional<std::vector<double>> p = parseRealList(text, Interval{0, 1});
        if (!p || p->size() != 2 || (*p)[0] + (*p)[1] > 1) return false;
        o.phase1Share = (*p)[0];
        o.phase2Share = (*p)[1];
        return true;
      },
      "must be two shares from 0 to 1 summing to at most 1, like 0.5,0.25",
      "3PA budget shares of phases 1 and 2 (default 0.5,0.25)")
      ->type_name("P1,P2");
  app->add_option("--results", o.resultsDir, "where raw traces go (default: next to the database)")->type_name("DIR");
  addChecked(
      *app, "--keep-traces",
      [&o](const std::string &text) {
        if (text != "compressed" && text != "raw" && text != "none") return false;
        o.keepTraces = text;
        return true;
      },
      "is compressed, raw or none", "compressed (default), raw or none")
      ->type_name("POLICY");
  app->add_flag("--no-analysis", a->skipAnalysis, "do not run `csnake analyze` when the campaign finishes");
  app->add_option("--replay-from", o.replayFrom,
                  "take every run's result from another campaign database instead of running it (compare "
                  "policies on one exhaustive campaign)")
      ->type_name("DB");
  return {app, [a] { return runCampaignCommand(a->options, a->skipAnalysis); }};
}

}  // namespace csnake::cli
