// `csnake campaign --build DIR --db FILE [--budget RUNS | --time 2h] [--jobs N]
//  [--repeats R] [--allocator NAME] [--seed N] [--tests FILTER] ...`
#include <sstream>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analysis.h"
#include "allocation/allocator.h"
#include "campaign/campaign_runner.h"
#include "cli/arg_parser.h"
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

const char kUsage[] =
    "usage: csnake campaign --build DIR --db FILE [options]\n"
    "  --build DIR          target build directory (CTest or GoogleTest binaries)\n"
    "  --tests-file FILE    explicit test list instead of discovery\n"
    "  --db FILE            campaign database (created, or resumed when it exists)\n"
    "  --budget RUNS        injection runs to spend (default 60; profile runs are extra)\n"
    "  --time DURATION      wall-clock limit, e.g. 90s, 30m, 2h\n"
    "  --jobs N             parallel runs (default: number of cores)\n"
    "  --repeats R          repeats of every injection experiment (default 3)\n"
    "  --profile-repeats N  profile runs per test (default: max(5, R)); more profile runs\n"
    "                       sharpen the analyzer's statistics at little cost (one profile\n"
    "                       experiment per test, many injection experiments)\n"
    "  --inject-at POINT    middle (default): skip half of the fault's reaches in the\n"
    "                       profile (fewest over its runs) and inject in steady state;\n"
    "                       first: inject at the first reach (usually start-up)\n"
    "  --allocator NAME     budget allocation policy: 3pa (default), coverage, random, simple\n"
    "  --seed N             seed of the allocator and of p= modes (default 1)\n"
    "  --tests FILTER       GoogleTest-style filter on test ids, e.g. 'Dfs*:-*Slow*'\n"
    "  --faults IDS         only inject these fault sites (comma-separated site ids, 0x...)\n"
    "  --label LABEL        only CTest tests with this label\n"
    "  --timeout SECONDS    per-run timeout (default 60)\n"
    "  --delays MS,MS       per-iteration delays of delay faults (default 100,500)\n"
    "  --phase-split P1,P2  3PA budget shares of phases 1 and 2 (default 0.5,0.25)\n"
    "  --results DIR        where raw traces go (default: next to the database)\n"
    "  --keep-traces POLICY compressed (default), raw or none\n"
    "  --no-analysis        do not run `csnake analyze` when the campaign finishes\n"
    "  --replay-from DB     take every run's result from another campaign database instead\n"
    "                       of running it (compare policies on one exhaustive campaign)\n";

}  // namespace

int runCampaignCommand(int argc, char **argv) {
  CampaignOptions o;
  bool skipAnalysis = false;
  ArgParser args("campaign", kUsage);
  std::string budget, time, jobs, repeats, seed, timeout, delays, split, profileRepeats, injectAt;
  args.value("--build", o.buildDir).value("--tests-file", o.testsFile).value("--db", o.dbPath);
  args.value("--budget", budget).value("--time", time).value("--jobs", jobs).value("--repeats", repeats);
  args.value("--allocator", o.allocator).value("--seed", seed).value("--tests", o.testFilter);
  args.value("--label", o.label).value("--timeout", timeout).value("--delays", delays).value("--phase-split", split);
  args.value("--results", o.resultsDir).value("--keep-traces", o.keepTraces);
  args.value("--profile-repeats", profileRepeats).value("--inject-at", injectAt);
  std::string faults;
  args.flag("--no-analysis", skipAnalysis);
  args.value("--faults", faults).value("--replay-from", o.replayFrom);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if ((o.buildDir.empty() && o.testsFile.empty()) || o.dbPath.empty()) return args.usageError("--build (or --tests-file) and --db are required");
  if (!budget.empty() && !parseCount(budget, o.budgetRuns)) return args.usageError("--budget wants a number of runs");
  if (!time.empty() && !parseDuration(time, o.timeLimitSeconds)) return args.usageError("--time wants a duration like 90s, 30m, 2h");
  int64_t n = 0;
  if (!jobs.empty()) {
    if (!parseCount(jobs, n) || n < 1) return args.usageError("--jobs wants a positive number");
    o.jobs = static_cast<int>(n);
  }
  if (!repeats.empty()) {
    if (!parseCount(repeats, n) || n < 1 || n > 100) return args.usageError("--repeats wants 1..100");
    o.repeats = static_cast<int>(n);
  }
  if (!profileRepeats.empty()) {
    if (!parseCount(profileRepeats, n) || n < 1 || n > 100) return args.usageError("--profile-repeats wants 1..100");
    o.profileRepeats = static_cast<int>(n);
  }
  if (!injectAt.empty() && !parseInjectAt(injectAt, o.injectAt))
    return args.usageError("--inject-at is first or middle");
  if (!seed.empty()) {
    if (!parseCount(seed, n)) return args.usageError("--seed wants a number");
    o.seed = static_cast<uint64_t>(n);
  }
  if (!timeout.empty() && (!parseDuration(timeout, o.runTimeoutSeconds) || o.runTimeoutSeconds <= 0))
    return args.usageError("--timeout wants seconds");
  if (!delays.empty()) {
    std::vector<double> ms;
    if (!parseList(delays, ms) || ms.empty()) return args.usageError("--delays wants milliseconds like 100,500");
    o.delaysMs.clear();
    for (double d : ms) {
      if (d < 1) return args.usageError("--delays wants positive milliseconds");
      o.delaysMs.push_back(static_cast<int>(d));
    }
    std::sort(o.delaysMs.begin(), o.delaysMs.end());
  }
  if (!faults.empty()) {
    std::string item;
    std::istringstream in(faults);
    while (std::getline(in, item, ',')) {
      char *end = nullptr;
      uint64_t id = std::strtoull(item.c_str(), &end, 16);
      if (item.empty() || !end || *end) return args.usageError("--faults wants site ids like 0x45bcab058caf9e7b,0x...");
      o.faultFilter.insert(id);
    }
  }
  if (!split.empty()) {
    std::vector<double> p;
    if (!parseList(split, p) || p.size() != 2 || p[0] < 0 || p[1] < 0 || p[0] + p[1] > 1)
      return args.usageError("--phase-split wants two shares summing to at most 1, like 0.5,0.25");
    o.phase1Share = p[0];
    o.phase2Share = p[1];
  }
  if (!makeAllocator(o.allocator)) {
    std::string known;
    for (const std::string &a : allocatorNames()) known += " " + a;
    return args.usageError("unknown allocator '" + o.allocator + "' (known:" + known + ")");
  }
  if (o.keepTraces != "compressed" && o.keepTraces != "raw" && o.keepTraces != "none")
    return args.usageError("--keep-traces is compressed, raw or none");
  signal(SIGINT, onInterrupt);
  signal(SIGTERM, onInterrupt);
  signal(SIGPIPE, SIG_IGN);
  // Between allocation rounds: the analyzer refreshes effects (and edges, cycles) for the
  // adaptive allocators. A failure there is reported and does not stop the campaign.
  o.analyze = [](CampaignDb &db) {
    try {
      analyzer::AnalysisOptions between;
      between.stitch = false;  // the allocator reads effects; cycles come at the end
      analyzer::analyzeDatabase(db, between);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "csnake campaign: analysis between rounds: %s\n", e.what());
    }
  };
  int rc = runCampaign(o, gStop);
  // `csnake analyze` is also run at the end of a finished campaign.
  if (rc == 0 && !skipAnalysis) return analyzeDatabaseFile(o.dbPath, analyzer::AnalysisOptions{}, false, "campaign");
  return rc;
}

}  // namespace csnake::cli
