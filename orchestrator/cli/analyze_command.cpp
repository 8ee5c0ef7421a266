// `csnake analyze --db FILE [options]`: fault causality analysis, stitching, the Z3
// compatibility check and cycles (analyzer/, docs/analyzer.md). Idempotent: every run
// replaces the analyzer's earlier outputs in the database.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "analysis.h"
#include "csnake/campaigndb/campaign_db.h"
#include "cli/arg_parser.h"
#include "commands.h"

namespace csnake::cli {

namespace {

const char kUsage[] =
    "usage: csnake analyze --db FILE [options]\n"
    "  --db FILE            campaign database (outputs of an earlier analysis are replaced)\n"
    "  --p-value X          S+: one-sided Welch t-test threshold (default 0.1)\n"
    "  --tvd X              parent delay: total-variation distance threshold (default 0.05)\n"
    "  --min-repeats N      usable repeats needed on each side (default 2)\n"
    "  --use-timed-out      count timed-out runs that left a trace as usable repeats\n"
    "  --max-length N       transitions per cycle (default 6)\n"
    "  --max-delays N       delay faults per cycle (default 3)\n"
    "  --max-cycles N       stop the search after N cycles (default 200000)\n"
    "  --threads N          search threads (default 2)\n"
    "  --no-z3              skip the local compatibility check (for comparison)\n"
    "  --continuation R     reach (default): an E effect continues with an error fault only\n"
    "                       when its new behaviour reaches the fault's guard, or (for a\n"
    "                       failing libc call) shows that failure on its own; any: every\n"
    "                       error fault in the loop (the literal grammar, for comparison)\n"
    "  --json               print the summary as JSON\n";

bool parseReal(const std::string &s, double &out) {
  char *end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end && *end == 0;
}

}  // namespace

int analyzeDatabaseFile(const std::string &dbPath, const analyzer::AnalysisOptions &opts, bool json, const char *who) {
  try {
    CampaignDb db(dbPath, OpenMode::ReadWrite);  // migrates to the current schema
    analyzer::AnalysisResult r = analyzer::analyzeDatabase(db, opts);
    nlohmann::json s = r.summary();
    if (json) {
      std::cout << s.dump(2) << "\n";
      return 0;
    }
    const auto &x = s["experiments"];
    const auto &ex = s["excluded_runs"];
    std::printf("analysed %d of %d injection experiments (%d skipped); runs excluded: %d not fired, %d failed, %d timed out, %d unfinished\n",
                x["analysed"].get<int>(), static_cast<int>(x["injection"].get<size_t>()), x["skipped"].get<int>(),
                ex["not_fired"].get<int>(), ex["failed"].get<int>(), ex["timed_out"].get<int>(), ex["incomplete"].get<int>());
    std::string types;
    for (auto it = s["effects_by_type"].begin(); it != s["effects_by_type"].end(); ++it)
      types += (types.empty() ? "" : ", ") + std::to_string(it.value().get<int>()) + " " + it.key();
    std::printf("effects: %zu (%s); causal edges: %zu\n", r.effects.size(), types.empty() ? "none" : types.c_str(), r.edges.size());
    int accepted = 0, rejected = 0;
    for (const auto &c : r.cycles)
      if (c.representative) (c.verdict == "rejected" ? rejected : accepted)++;
    std::printf("cycles: %zu found, %d after collapsing near-duplicates (%d %s, %d rejected by the compatibility check)%s\n",
                r.search.cycles, accepted + rejected, accepted, opts.compat.enabled ? "compatible" : "unchecked", rejected,
                r.search.truncated ? " [search truncated at --max-cycles]" : "");
    std::printf("'csnake cycles --db %s' lists them\n", dbPath.c_str());
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "csnake %s: %s\n", who, e.what());
    return 1;
  }
}

int runAnalyzeCommand(int argc, char **argv) {
  std::string dbPath, pValue, tvd, minRepeats, maxLength, maxDelays, maxCycles, threads, continuation;
  bool useTimedOut = false, noZ3 = false, json = false;
  ArgParser args("analyze", kUsage);
  args.value("--db", dbPath).value("--p-value", pValue).value("--tvd", tvd).value("--min-repeats", minRepeats);
  args.value("--max-length", maxLength).value("--max-delays", maxDelays).value("--max-cycles", maxCycles);
  args.value("--threads", threads).value("--continuation", continuation).flag("--use-timed-out", useTimedOut).flag("--no-z3", noZ3).flag("--json", json);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (dbPath.empty()) return args.usageError("--db is required");
  analyzer::AnalysisOptions o;
  int64_t n = 0;
  if (!pValue.empty() && (!parseReal(pValue, o.fca.pValue) || o.fca.pValue <= 0 || o.fca.pValue > 1))
    return args.usageError("--p-value wants a number in (0, 1]");
  if (!tvd.empty() && (!parseReal(tvd, o.fca.tvd) || o.fca.tvd < 0 || o.fca.tvd > 1))
    return args.usageError("--tvd wants a number in [0, 1]");
  if (!minRepeats.empty()) {
    if (!parseCount(minRepeats, n) || n < 1) return args.usageError("--min-repeats wants a positive number");
    o.fca.minRepeats = static_cast<int>(n);
  }
  if (!maxLength.empty()) {
    if (!parseCount(maxLength, n) || n < 1 || n > 64) return args.usageError("--max-length wants 1..64");
    o.search.maxLength = static_cast<int>(n);
  }
  if (!maxDelays.empty()) {
    if (!parseCount(maxDelays, n) || n < 0) return args.usageError("--max-delays wants a number");
    o.search.maxDelays = static_cast<int>(n);
  }
  if (!maxCycles.empty()) {
    if (!parseCount(maxCycles, n) || n < 1) return args.usageError("--max-cycles wants a positive number");
    o.search.maxCycles = static_cast<size_t>(n);
  }
  if (!threads.empty()) {
    if (!parseCount(threads, n) || n < 1 || n > 256) return args.usageError("--threads wants 1..256");
    o.search.threads = static_cast<int>(n);
  }
  if (!continuation.empty() && !analyzer::parseContinuationRule(continuation, o.continuation))
    return args.usageError("--continuation wants reach or any");
  o.fca.useTimedOut = useTimedOut;
  o.compat.enabled = !noZ3;
  return analyzeDatabaseFile(dbPath, o, json, "analyze");
}

}  // namespace csnake::cli
