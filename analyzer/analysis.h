// The analyzer pipeline (DESIGN.md §3.5–3.7): FCA -> causal edges -> stitching graph ->
// bounded cycle search -> Z3 junction checks -> collapsing and ranking -> the database.
#pragma once

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analysis_monitor.h"
#include "compat/compat_checker.h"
#include "csnake/campaigndb/campaign_db.h"
#include "fca/causal_edge.h"
#include "fca/effect_detector.h"
#include "graph/chain_search.h"
#include "graph/stitch_grammar.h"

namespace csnake::analyzer {

struct AnalysisOptions {
  FcaOptions fca;
  ChainSearchOptions search;
  CompatOptions compat;
  ContinuationRule continuation = ContinuationRule::Reach;  // graph/continuation.h
  StitchGrammar grammar = StitchGrammar::Reference;         // graph/stitch_grammar.h
  // false: FCA only (effects and edges; no graph, cycles or Z3). What a campaign runs
  // between allocation rounds — 3PA reads effects — so a round's cost does not grow with
  // the number of cycles; the analysis at the end of the campaign stitches.
  bool stitch = true;
  // Report one fault cycle per cascade slowed at different loop depths; list the others
  // as its nesting variants (graph/delay_nesting.h). false: report each.
  bool nestingVariants = true;
  // SIGINT/SIGTERM of the caller: the analysis stops between units of work and throws
  // AnalysisInterrupted before writing (analysis_monitor.h).
  const std::atomic<bool> *stop = nullptr;
  // Progress lines on long work ("phase: done/total"), at most every 2 s; none when empty.
  std::function<void(const std::string &)> progress;
};

// One chain found by the search, with its junction verdicts. Chains with the same faults
// in the same cycle order are one fault cycle (graph/fault_cycle.h); the best chain is its
// representative and carries the fault cycle's evidence.
struct StoredCycle {
  std::string canonical;
  std::string faultCycleId, faultKey;  // graph/fault_cycle.h
  nlohmann::json faults;               // the faults in canonical cycle order
  std::vector<size_t> faultSet;        // its fault vertices, sorted
  // Composite: an accepted shorter fault cycle runs through a subset of its faults (their
  // ids). It chains cycles that sustain themselves already; shown with `cycles --all`.
  std::vector<std::string> compositeOf;
  // Nesting variant: the id of the better ranked reported fault cycle it equals up to the
  // nesting of a delay fault's loop (graph/delay_nesting.h); shown with `cycles --all`.
  std::string variantOf;
  std::vector<int64_t> edgeIds;  // in order; a hop's licensing parent_delay edge follows its S+ edge
  int length = 0, delays = 0;
  // Steps whose next fault the effect only reaches (an E step whose next error fault did
  // not happen on its own in the effect's runs): the cycle closes there by inference.
  int inferred = 0;
  std::string verdict;  // compatible, rejected, unchecked
  std::set<int64_t> tests;
  nlohmann::json evidence;  // the representative's: steps with full evidence; others: {}
  int group = 0;  // fault cycle (0-based, in rank order)
  bool representative = false;
};

struct AnalysisResult {
  std::vector<ExperimentVerdict> experiments;
  std::vector<Effect> effects;
  std::vector<CausalEdge> edges;
  ChainSearchStats search;
  std::vector<StoredCycle> cycles;  // ranked fault cycles; the representative chain first in each
  nlohmann::json summary() const;
};

AnalysisResult analyze(const CampaignData &data, const AnalysisOptions &opts);

// Loads the campaign, analyses it and replaces the analyzer's outputs in the database.
// Throws DbError; throws std::runtime_error "no finished runs" for a database without runs.
AnalysisResult analyzeDatabase(CampaignDb &db, const AnalysisOptions &opts);

// The analysis between allocation rounds (what 3PA reads): FCA of the injection
// experiments whose inputs changed since their effects were stored (new finished runs of
// the experiment or of its test's profile, other FCA options; campaigndb/fca_inputs.h),
// loading only those experiments and their profiles. Their effects are replaced; edges
// and cycles are left to the full analysis at the end. Nothing to do costs two queries.
struct IncrementalFcaResult {
  size_t reanalysed = 0, unchanged = 0, effects = 0;
};
IncrementalFcaResult analyzeNewRuns(CampaignDb &db, const AnalysisOptions &opts);

}  // namespace csnake::analyzer
