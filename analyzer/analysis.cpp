#include "analysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/fca_inputs.h"
#include "graph/delay_nesting.h"
#include "graph/fault_cycle.h"
#include "store/analysis_store.h"

namespace csnake::analyzer {

namespace {

std::string verdictOf(const std::vector<JunctionResult> &junctions, bool checked) {
  if (!checked) return "unchecked";
  for (const JunctionResult &j : junctions)
    if (!j.accepted()) return "rejected";
  return "compatible";
}

// The evidence of a fault cycle, built from its representative chain: every step with its
// edge's full evidence, the hop if any, and the junction check.
nlohmann::json testNamesOf(const std::set<int64_t> &ids, const CampaignData &data) {
  nlohmann::json names = nlohmann::json::array();
  for (int64_t t : ids) {
    auto it = data.testNames.find(t);
    names.push_back(it == data.testNames.end() ? std::to_string(t) : it->second);
  }
  return names;
}

nlohmann::json cycleEvidence(const FoundCycle &c, const StoredCycle &s, const std::vector<JunctionResult> &junctions,
                             const CausalGraph &graph, const AnalysisResult &r, const CampaignData &data) {
  // The faults and the id are columns of the cycle's row; the other chains are rows of
  // `chains`. A composite keeps no steps and no test list: its evidence is the fault
  // cycles it runs through (`composite_of`), its chain's edges are a column, and on a
  // large campaign composites are most fault cycles (docs/analyzer.md §5).
  nlohmann::json ev = {{"inferred_steps", s.inferred}};
  bool composite = !s.compositeOf.empty();
  nlohmann::json steps = nlohmann::json::array();
  size_t n = composite ? 0 : c.transitions.size();
  for (size_t i = 0; i < n; ++i) {
    const Transition &t = graph.transitions()[c.transitions[i]];
    const CausalEdge &e = r.edges[t.edge];
    // Observed: the effect shows the next fault itself — an E step whose next error fault
    // happened on its own in the effect's runs, or an S+ step (the extra iterations are
    // the slowness the next delay fault stands for). Otherwise the step is inferred from
    // reachability (graph/continuation.h) and the Z3 check.
    bool observed = e.type != EffectType::E || failsOnItsOwn(e, graph.vertices()[t.to].site);
    // What the edge says (cause, effect, type, tests, evidence) is stored once, with the
    // edge: the reader joins it by id (store/analysis_reader.cpp).
    nlohmann::json step = {{"edge", e.id},
                           {"next_fault", graph.vertices()[t.to].site},
                           {"junction", t.junction},
                           {"next_fault_observed", observed}};
    if (t.hopEdge >= 0) {
      const CausalEdge &h = r.edges[static_cast<size_t>(t.hopEdge)];
      step["hop"] = {{"edge", h.id}, {"parent", t.junction}};
    }
    step["junction_check"] = junctions[i].toJson();
    steps.push_back(std::move(step));
  }
  if (!composite) {
    ev["steps"] = std::move(steps);
    ev["tests"] = testNamesOf(s.tests, data);
  }
  if (s.verdict == "rejected") {
    nlohmann::json why = nlohmann::json::array();
    for (const JunctionResult &j : junctions)
      if (!j.accepted()) why.push_back(j.toJson());
    ev["rejected_junctions"] = why;
  }
  return ev;
}

// A fault cycle is composite when an accepted shorter fault cycle of two or more faults runs
// through a subset of its faults: once that subset's faults recur, they sustain themselves without the rest, so
// the longer cycle adds a detour, not a new cascade. Subsets are enumerated per cycle
// (lengths are bounded by --max-length) and looked up, so the cost is linear in the number
// of fault cycles.
void markComposites(std::vector<StoredCycle> &all, const std::vector<std::vector<size_t>> &groups) {
  std::map<std::vector<size_t>, std::string> accepted;  // fault set -> id
  for (const auto &g : groups) {
    const StoredCycle &rep = all[g.front()];
    if (rep.verdict != "rejected") accepted.emplace(rep.faultSet, rep.faultCycleId);
  }
  for (const auto &g : groups) {
    StoredCycle &rep = all[g.front()];
    size_t n = rep.faultSet.size();
    if (n < 2 || n > 16) continue;  // 2^16 subsets at most
    std::set<std::string> of;
    for (uint32_t mask = 1; mask + 1 < (1u << n); ++mask) {
      // A fault that feeds itself (a one-fault cycle) does not make the cycles through it
      // composite: its self-loop says nothing about how the other faults interact.
      if ((mask & (mask - 1)) == 0) continue;
      std::vector<size_t> subset;
      for (size_t i = 0; i < n; ++i)
        if (mask & (1u << i)) subset.push_back(rep.faultSet[i]);
      auto it = accepted.find(subset);
      if (it != accepted.end()) of.insert(it->second);
    }
    rep.compositeOf.assign(of.begin(), of.end());
  }
}

}  // namespace

nlohmann::json AnalysisResult::summary() const {
  int analysed = 0, skipped = 0, notFired = 0, failed = 0, timedOut = 0, incomplete = 0;
  std::map<std::string, int> reasons;
  for (const ExperimentVerdict &v : experiments) {
    (v.analysed ? analysed : skipped)++;
    if (!v.analysed) reasons[v.skipReason]++;
    notFired += v.notFired;
    failed += v.failed;
    timedOut += v.timedOut;
    incomplete += v.incomplete;
  }
  std::map<std::string, int> byType, byVerdict;
  for (const Effect &e : effects) byType[effectTypeName(e.type)]++;
  int groups = 0, composite = 0, variants = 0;
  for (const StoredCycle &c : cycles) {
    if (c.representative) {
      ++groups;
      byVerdict[c.verdict]++;
      composite += !c.compositeOf.empty();
      variants += !c.variantOf.empty();
    }
  }
  return {
      {"experiments",
       {{"injection", experiments.size()}, {"analysed", analysed}, {"skipped", skipped}, {"skip_reasons", reasons}}},
      {"excluded_runs",
       {{"not_fired", notFired}, {"failed", failed}, {"timed_out", timedOut}, {"incomplete", incomplete}}},
      {"effects", effects.size()},
      {"effects_by_type", byType},
      {"edges", edges.size()},
      {"graph",
       {{"vertices", search.vertices},
        {"transitions", search.transitions},
        {"cyclic_vertices", search.cyclicVertices}}},
      {"cycles_found", search.cycles},
      {"fault_cycles", groups},
      {"composite_fault_cycles", composite},
      {"nesting_variants", variants},
      {"groups_by_verdict", byVerdict},
      {"search_truncated", search.truncated},
      {"search_seconds", search.seconds}};
}

AnalysisResult analyze(const CampaignData &data, const AnalysisOptions &opts) {
  AnalysisResult r;
  AnalysisMonitor monitor(opts.stop, opts.progress);
  EffectDetector detector(data, opts.fca);
  r.effects = detector.detectAll(r.experiments, &monitor);
  r.edges = buildEdges(r.effects);
  if (!opts.stitch) return r;
  CausalGraph graph = CausalGraph::build(r.edges, data.sites, opts.continuation, opts.grammar);
  ChainSearchOptions searchOpts = opts.search;
  searchOpts.distinctLoops = opts.grammar == StitchGrammar::Reference;
  searchOpts.cancel = opts.stop;
  ChainSearch search(graph, r.edges, searchOpts);
  monitor.note("stitching: " + std::to_string(r.edges.size()) + " causal edges, " +
               std::to_string(graph.transitions().size()) + " transitions");
  std::vector<FoundCycle> found = search.run(r.search);
  if (r.search.cancelled) throw AnalysisInterrupted();
  CompatChecker checker(data, r.effects, r.edges, opts.compat);

  // Every chain: its faults, edges, observed steps and tests. The full evidence is built
  // later, once per fault cycle.
  std::vector<StoredCycle> all(found.size());
  std::vector<std::vector<JunctionResult>> junctionsOf(found.size());
  for (size_t ci = 0; ci < found.size(); ++ci) {
    const FoundCycle &c = found[ci];
    StoredCycle &s = all[ci];
    s.canonical = c.canonical;
    s.length = static_cast<int>(c.transitions.size());
    s.delays = c.delays;
    std::vector<const FaultVertex *> faults;
    for (size_t v : c.faults) faults.push_back(&graph.vertices()[v]);
    FaultCycleKey key = faultCycleKeyOf(faults);
    s.faultSet = c.faults;
    std::sort(s.faultSet.begin(), s.faultSet.end());
    s.faultCycleId = key.id;
    s.faultKey = key.key;
    s.faults = nlohmann::json::array();
    for (size_t p : key.order) {
      const FaultVertex &v = *faults[p];
      s.faults.push_back({{"site", v.site}, {"context", v.context}, {"kind", v.kind}, {"delay", v.delay}});
    }
    for (size_t i = 0; i < c.transitions.size(); ++i) {
      const Transition &t = graph.transitions()[c.transitions[i]];
      const CausalEdge &e = r.edges[t.edge];
      s.edgeIds.push_back(e.id);
      s.tests.insert(e.tests.begin(), e.tests.end());
      if (e.type == EffectType::E && !failsOnItsOwn(e, graph.vertices()[t.to].site)) ++s.inferred;
      if (t.hopEdge >= 0) {
        const CausalEdge &h = r.edges[static_cast<size_t>(t.hopEdge)];
        s.edgeIds.push_back(h.id);
        s.tests.insert(h.tests.begin(), h.tests.end());
      }
    }
  }

  // Junction verdicts (memoised per junction in the checker), fewest faults first. A chain
  // through every fault of an accepted fault cycle with fewer faults (two or more) is
  // composite whatever its own junctions say (markComposites): it is not checked, so the
  // solver's work grows with the minimal fault cycles, not with their combinations (on a
  // large campaign nearly all chains are composite).
  std::vector<size_t> bySize(found.size());
  for (size_t i = 0; i < bySize.size(); ++i) bySize[i] = i;
  std::stable_sort(bySize.begin(), bySize.end(),
                   [&](size_t a, size_t b) { return all[a].faultSet.size() < all[b].faultSet.size(); });
  std::set<std::vector<size_t>> acceptedSets;
  auto throughAccepted = [&](const std::vector<size_t> &set) {
    size_t n = set.size();
    if (n < 3 || n > 16) return false;
    for (uint32_t mask = 1; mask + 1 < (1u << n); ++mask) {
      if ((mask & (mask - 1)) == 0) continue;  // one-fault subsets make nothing composite
      std::vector<size_t> subset;
      for (size_t i = 0; i < n; ++i)
        if (mask & (1u << i)) subset.push_back(set[i]);
      if (acceptedSets.count(subset)) return true;
    }
    return false;
  };
  size_t checkedChains = 0;
  for (size_t done = 0; done < bySize.size(); ++done) {
    monitor.step("compatibility check, chains", done + 1, found.size());
    size_t ci = bySize[done];
    const FoundCycle &c = found[ci];
    StoredCycle &s = all[ci];
    std::vector<JunctionResult> &junctions = junctionsOf[ci];
    size_t n = c.transitions.size();
    bool composite = opts.compat.enabled && throughAccepted(s.faultSet);
    for (size_t i = 0; i < n; ++i) {
      const Transition &t = graph.transitions()[c.transitions[i]];
      const Transition &next = graph.transitions()[c.transitions[(i + 1) % n]];
      if (composite) {
        JunctionResult skipped;
        skipped.loop = t.junction;
        junctions.push_back(std::move(skipped));
      } else {
        junctions.push_back(checker.check(t.edge, next.edge, t.junction));
      }
    }
    checkedChains += composite ? 0 : 1;
    s.verdict = composite ? "unchecked" : verdictOf(junctions, opts.compat.enabled);
    if (s.verdict != "rejected") acceptedSets.insert(s.faultSet);
  }
  monitor.note("compatibility check: " + std::to_string(checkedChains) + " of " + std::to_string(found.size()) +
               " chains checked; the others run through an accepted shorter fault cycle (composite)");

  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < all.size(); ++i) groups[all[i].faultKey].push_back(i);
  auto better = [&](size_t a, size_t b) {
    const StoredCycle &x = all[a], &y = all[b];
    bool ax = x.verdict != "rejected", ay = y.verdict != "rejected";
    if (ax != ay) return ax;
    if (x.inferred != y.inferred) return x.inferred < y.inferred;
    if (x.tests.size() != y.tests.size()) return x.tests.size() > y.tests.size();
    if (x.delays != y.delays) return x.delays < y.delays;
    return x.canonical < y.canonical;
  };
  std::vector<std::vector<size_t>> ordered;
  for (auto &kv : groups) {
    std::sort(kv.second.begin(), kv.second.end(), better);
    ordered.push_back(kv.second);
  }
  markComposites(all, ordered);
  // Rank: accepted fault cycles first, minimal before composite, then the ones every step
  // of which was observed (fewest inferred steps), then fewest delays, then most distinct
  // supporting tests.
  std::sort(ordered.begin(), ordered.end(), [&](const std::vector<size_t> &a, const std::vector<size_t> &b) {
    const StoredCycle &x = all[a.front()], &y = all[b.front()];
    bool ax = x.verdict != "rejected", ay = y.verdict != "rejected";
    if (ax != ay) return ax;
    if (x.compositeOf.empty() != y.compositeOf.empty()) return x.compositeOf.empty();
    if (x.inferred != y.inferred) return x.inferred < y.inferred;
    if (x.delays != y.delays) return x.delays < y.delays;
    if (x.tests.size() != y.tests.size()) return x.tests.size() > y.tests.size();
    if (x.length != y.length) return x.length < y.length;
    return x.faultKey < y.faultKey;
  });
  // Nesting variants (graph/delay_nesting.h): an accepted minimal fault cycle that is a
  // better ranked one with a delay moved to an enclosing or enclosed loop is listed as
  // its variant, after the reported ones.
  if (opts.nestingVariants) {
    LoopNesting nesting = LoopNesting::observed(data);
    std::vector<size_t> kept;  // reported representatives so far, in rank order
    for (const auto &g : ordered) {
      StoredCycle &c = all[g.front()];
      if (c.verdict == "rejected" || !c.compositeOf.empty()) continue;
      for (size_t k : kept)
        if (sameUpToDelayNesting(c.faults, all[k].faults, nesting)) {
          c.variantOf = all[k].faultCycleId;
          break;
        }
      if (c.variantOf.empty()) kept.push_back(g.front());
    }
    std::stable_sort(ordered.begin(), ordered.end(), [&](const std::vector<size_t> &a, const std::vector<size_t> &b) {
      auto level = [&](const StoredCycle &x) {
        return x.verdict == "rejected" ? 3 : !x.compositeOf.empty() ? 2 : !x.variantOf.empty() ? 1 : 0;
      };
      return level(all[a.front()]) < level(all[b.front()]);
    });
  }
  for (size_t g = 0; g < ordered.size(); ++g) {
    monitor.step("evidence, fault cycles", g + 1, ordered.size());
    size_t rep = ordered[g].front();
    all[rep].evidence = cycleEvidence(found[rep], all[rep], junctionsOf[rep], graph, r, data);
    if (!all[rep].compositeOf.empty()) all[rep].evidence["composite_of"] = all[rep].compositeOf;
    if (!all[rep].variantOf.empty()) all[rep].evidence["variant_of"] = all[rep].variantOf;
    for (size_t k = 0; k < ordered[g].size(); ++k) {
      StoredCycle c = std::move(all[ordered[g][k]]);
      c.group = static_cast<int>(g);
      c.representative = k == 0;
      r.cycles.push_back(std::move(c));
    }
  }
  return r;
}

namespace {

// The FCA options an experiment's stored effects depend on, appended to its inputs: a
// `csnake analyze --p-value …` makes the next analysis between rounds redo everything.
std::string fcaOptionsKey(const FcaOptions &o) {
  return nlohmann::json{{"p_value", o.pValue},
                        {"tvd", o.tvd},
                        {"min_repeats", o.minRepeats},
                        {"use_timed_out", o.useTimedOut},
                        {"clock_paced_per_second", o.clockPacedPerSecond}}
      .dump();
}

// What each injection experiment of `data` was analysed from (the inputs read before
// loading it: a run finishing meanwhile shows as a change next time, never as unchanged).
std::map<int64_t, std::string> inputsOf(const CampaignData &data, const std::map<int64_t, std::string> &before,
                                        const FcaOptions &o) {
  std::map<int64_t, std::string> out;
  std::string key = " options " + fcaOptionsKey(o);
  for (const ExperimentData &e : data.experiments) {
    auto it = before.find(e.id);
    if (e.kind == ExperimentKind::Injection && it != before.end()) out[e.id] = it->second + key;
  }
  return out;
}

}  // namespace

IncrementalFcaResult analyzeNewRuns(CampaignDb &db, const AnalysisOptions &opts) {
  IncrementalFcaResult result;
  std::map<int64_t, std::string> now = currentFcaInputs(db), stored = storedFcaInputs(db);
  std::string key = " options " + fcaOptionsKey(opts.fca);
  std::set<int64_t> todo;
  for (const auto &[id, in] : now) {
    auto it = stored.find(id);
    if (it == stored.end() || it->second != in + key)
      todo.insert(id);
    else
      ++result.unchanged;
  }
  if (todo.empty()) return result;
  CampaignData data = loadCampaign(db, &todo);
  AnalysisMonitor monitor(opts.stop, opts.progress);
  EffectDetector detector(data, opts.fca);
  std::vector<ExperimentVerdict> verdicts;
  std::vector<Effect> effects = detector.detectAll(verdicts, &monitor);
  AnalysisOutputs out;
  out.data = &data;
  out.effects = &effects;
  out.fcaInputs = inputsOf(data, now, opts.fca);
  out.summaryJson = nlohmann::json{{"between_rounds", true},
                                   {"reanalysed_experiments", todo.size()},
                                   {"unchanged_experiments", result.unchanged},
                                   {"effects_of_reanalysed", effects.size()},
                                   {"stitch", false}}
                        .dump();
  if (opts.stop && opts.stop->load()) throw AnalysisInterrupted();  // nothing written
  writeEffectsOf(db, std::vector<int64_t>(todo.begin(), todo.end()), out);
  result.reanalysed = todo.size();
  result.effects = effects.size();
  return result;
}

AnalysisResult analyzeDatabase(CampaignDb &db, const AnalysisOptions &opts) {
  std::map<int64_t, std::string> inputs = currentFcaInputs(db);
  CampaignData data = loadCampaign(db);
  bool any = false;
  for (const ExperimentData &e : data.experiments)
    for (const RunData &r : e.runs) any |= isFinal(r.state);
  if (!any) throw std::runtime_error(db.path() + ": no finished runs to analyse (run `csnake campaign` first)");
  AnalysisResult r = analyze(data, opts);
  AnalysisOutputs out;
  out.data = &data;
  out.effects = &r.effects;
  out.edges = &r.edges;
  out.cycles = &r.cycles;
  nlohmann::json summary = r.summary();
  summary["options"] = {{"p_value", opts.fca.pValue},
                        {"tvd", opts.fca.tvd},
                        {"min_repeats", opts.fca.minRepeats},
                        {"use_timed_out", opts.fca.useTimedOut},
                        {"clock_paced_per_second", opts.fca.clockPacedPerSecond},
                        {"max_length", opts.search.maxLength},
                        {"max_delays", opts.search.maxDelays},
                        {"max_cycles", opts.search.maxCycles},
                        {"z3", opts.compat.enabled},
                        {"continuation", continuationRuleName(opts.continuation)},
                        {"grammar", stitchGrammarName(opts.grammar)},
                        {"stitch", opts.stitch},
                        {"nesting_variants", opts.nestingVariants}};
  out.summaryJson = summary.dump();
  out.fcaInputs = inputsOf(data, inputs, opts.fca);
  if (opts.stop && opts.stop->load()) throw AnalysisInterrupted();  // nothing written
  writeAnalysis(db, out);
  return r;
}

}  // namespace csnake::analyzer
