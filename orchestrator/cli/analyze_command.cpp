// `csnake analyze --db FILE [options]`: fault causality analysis, stitching, the Z3
// compatibility check and cycles (analyzer/, docs/analyzer.md). Idempotent: every run
// replaces the analyzer's earlier outputs in the database.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "analysis.h"
#include "cli/options.h"
#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"

namespace csnake::cli {

namespace {

struct AnalyzeArgs {
  std::string dbPath;
  bool json = false, newRunsOnly = false;
  analyzer::AnalysisOptions options;
};

// `--new-runs-only`: what a campaign runs between allocation rounds (effects of the
// experiments with new finished runs; edges and cycles wait for a full analysis).
int analyzeNewRunsOfFile(const AnalyzeArgs &a, const std::atomic<bool> *stop) {
  CampaignDb db(a.dbPath, OpenMode::ReadWrite);
  analyzer::AnalysisOptions opts = a.options;
  opts.stop = stop;
  analyzer::IncrementalFcaResult r;
  try {
    r = analyzer::analyzeNewRuns(db, opts);
  } catch (const analyzer::AnalysisInterrupted &e) {
    std::fprintf(stderr, "csnake analyze: %s: %s\n", a.dbPath.c_str(), e.what());
    return 130;
  }
  if (a.json) {
    std::cout << nlohmann::json{{"reanalysed_experiments", r.reanalysed},
                                {"unchanged_experiments", r.unchanged},
                                {"effects_of_reanalysed", r.effects}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf("re-analysed %zu injection experiment(s) with new runs (%zu effects); %zu unchanged\n", r.reanalysed,
              r.effects, r.unchanged);
  if (r.reanalysed > 0)
    std::printf("edges and fault cycles wait for a full 'csnake analyze --db %s'\n", a.dbPath.c_str());
  return 0;
}

}  // namespace

int analyzeDatabaseFile(const std::string &dbPath, analyzer::AnalysisOptions opts, bool json,
                        const std::atomic<bool> *stop) {
  CampaignDb db(dbPath, OpenMode::ReadWrite);  // migrates to the current schema
  opts.stop = stop;
  if (!opts.progress)
    opts.progress = [](const std::string &line) { std::fprintf(stderr, "csnake analyze: %s\n", line.c_str()); };
  analyzer::AnalysisResult r;
  try {
    r = analyzer::analyzeDatabase(db, opts);
  } catch (const analyzer::AnalysisInterrupted &e) {
    std::fprintf(stderr, "csnake analyze: %s: %s\n", dbPath.c_str(), e.what());
    return 130;
  }
  nlohmann::json s = r.summary();
  if (json) {
    std::cout << s.dump(2) << "\n";
    return 0;
  }
  const auto &x = s["experiments"];
  const auto &ex = s["excluded_runs"];
  std::printf(
      "analysed %d of %d injection experiments (%d skipped); runs excluded: %d not fired, %d failed, %d timed out, %d "
      "unfinished\n",
      x["analysed"].get<int>(), static_cast<int>(x["injection"].get<size_t>()), x["skipped"].get<int>(),
      ex["not_fired"].get<int>(), ex["failed"].get<int>(), ex["timed_out"].get<int>(), ex["incomplete"].get<int>());
  std::string types;
  for (auto it = s["effects_by_type"].begin(); it != s["effects_by_type"].end(); ++it)
    types += (types.empty() ? "" : ", ") + std::to_string(it.value().get<int>()) + " " + it.key();
  std::printf("effects: %zu (%s); causal edges: %zu\n", r.effects.size(), types.empty() ? "none" : types.c_str(),
              r.edges.size());
  int reported = 0, composite = 0, rejected = 0, variants = 0;
  for (const auto &c : r.cycles)
    if (c.representative)
      (c.verdict == "rejected"     ? rejected
       : !c.compositeOf.empty()    ? composite
       : !c.variantOf.empty()      ? variants
                                   : reported)++;
  std::printf(
      "chains: %zu found; fault cycles: %d reported (%s), %d nesting variants, %d composite, %d rejected by the "
      "compatibility check%s\n",
      r.search.cycles, reported, opts.compat.enabled ? "compatible" : "unchecked", variants, composite, rejected,
      r.search.truncated ? " [search truncated at --max-cycles]" : "");
  std::printf("'csnake cycles --db %s' lists them\n", dbPath.c_str());
  return 0;
}

namespace {

std::atomic<bool> gStop{false};

void onInterrupt(int) {
  // First SIGINT/SIGTERM: stop before writing; a second one falls through to the default.
  gStop = true;
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

int runAnalyzeCommand(const AnalyzeArgs &a) {
  signal(SIGINT, onInterrupt);
  signal(SIGTERM, onInterrupt);
  if (a.newRunsOnly) return analyzeNewRunsOfFile(a, &gStop);
  return analyzeDatabaseFile(a.dbPath, a.options, a.json, &gStop);
}

}  // namespace

Command addAnalyzeCommand(CLI::App &root) {
  auto a = std::make_shared<AnalyzeArgs>();
  analyzer::AnalysisOptions &o = a->options;
  CLI::App *app = root.add_subcommand("analyze", "find causal edges and cycles in a campaign database");
  app->add_option("--db", a->dbPath, "campaign database (outputs of an earlier analysis are replaced)")
      ->type_name("FILE")
      ->required();
  addReal(*app, "--p-value", o.fca.pValue, Interval{0, 1, true, false},
          "S+: one-sided Welch t-test threshold (default 0.1)");
  addReal(*app, "--tvd", o.fca.tvd, Interval{0, 1}, "parent delay: total-variation distance threshold (default 0.05)");
  addCount(*app, "--min-repeats", o.fca.minRepeats, 1, 100, "usable repeats needed on each side (default 2)");
  app->add_flag("--use-timed-out", o.fca.useTimedOut, "count timed-out runs that left a trace as usable repeats");
  app->add_flag_callback(
      "--s-plus-per-run", [&o] { o.fca.clockPacedPerSecond = false; },
      "judge S+ of clock-paced loops per run only, not also per second of the run (for comparison)");
  addCount(*app, "--max-length", o.search.maxLength, 1, 64, "transitions per cycle (default 6)");
  addCount(*app, "--max-delays", o.search.maxDelays, 0, 64, "delay faults per cycle (default 3)");
  addCount(*app, "--max-cycles", o.search.maxCycles, 1, 1'000'000'000,
           "stop the search after N cycles (default 200000)");
  addCount(*app, "--threads", o.search.threads, 1, 256, "search threads (default 2)");
  addCount(*app, "--max-supports", o.compat.maxSupportsPerSide, 0, 1'000'000,
           "supporting experiments tried on each side of a junction (default 0: every one)");
  app->add_flag_callback(
      "--no-nesting-variants", [&o] { o.nestingVariants = false; },
      "report fault cycles that differ only in the nesting depth of a delay fault's loop separately (for "
      "comparison)");
  app->add_flag_callback(
      "--no-z3", [&o] { o.compat.enabled = false; }, "skip the local compatibility check (for comparison)");
  addChecked(
      *app, "--continuation",
      [&o](const std::string &text) { return analyzer::parseContinuationRule(text, o.continuation); },
      "must be reach or any",
      "reach (default): an E effect continues with an error fault only when its new behaviour reaches the "
      "fault's guard, or (for a failing libc call) shows that failure on its own; any: every error fault in the "
      "loop (the literal grammar, for comparison)")
      ->type_name("RULE");
  addChecked(
      *app, "--grammar", [&o](const std::string &text) { return analyzer::parseStitchGrammar(text, o.grammar); },
      "must be reference or broad",
      "reference (default): an S+ caused by a delay fault does not continue as another delay, and no loop is "
      "visited twice in a cycle (the CSnake reference rules); broad: both allowed (for comparison)")
      ->type_name("GRAMMAR");
  app->add_flag("--json", a->json, "print the summary as JSON");
  app->add_flag("--new-runs-only", a->newRunsOnly,
                "fault causality analysis of the experiments with runs finished since their effects were stored "
                "(what a campaign runs between allocation rounds); edges and cycles are dropped until a full analysis");
  return {app, [a] { return runAnalyzeCommand(*a); }};
}

}  // namespace csnake::cli
