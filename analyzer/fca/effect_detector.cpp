// The rules, exactly (R = usable repeats; usable = state 'done' with a summary):
//  - An experiment is analysed only when both sides have >= minRepeats usable repeats.
//  - E / new_path: for a (loop, callsig), a path signature present in every usable
//    injection repeat and in no usable profile repeat. One effect per (loop, callsig),
//    listing all such signatures with their decisions. A path holding a decision (or the
//    event) of the injected site itself is the injection, not an effect, and is skipped.
//  - E / new_event: a (site, context) whose events occurred (occurred > 0, summed over call
//    sites and nodes) in every injection repeat and in no profile repeat; the injected
//    fault itself (its site in its context, in any context when the plan had none, and
//    wherever a run recorded it as injected) is excluded. The effect is E into the event's context loop; events outside
//    any loop (context 0) have no loop to stitch at and are counted, not recorded.
//  - S+ / new_loop: a (loop, callsig) with iterations > 0 in every injection repeat that
//    never ran (no invocation, no iteration) in any profile repeat.
//  - S+ / more_iterations: per-repeat total iterations of (loop, callsig), absent = 0;
//    one-sided Welch t-test injection > profile with p < pValue. Both variances zero
//    (ties): p = 0 when the injection mean is higher, else 1. A loop paced by a clock
//    (CSNAKE_FLAG_LOOP_SLEEPS: every iteration sleeps or waits with a timeout) iterates
//    more whenever the test merely lasts longer, so for it the same test must also hold
//    for iterations per second of the run's wall time (when every run has one).
//  - parent_delay: a (loop, callsig) with a parent loop; the per-invocation iteration
//    histograms pooled over the repeats of each side; TVD >= tvd and a higher mean
//    per invocation in the injection runs. A child absent from the profiles has TVD 1.
#include "fca/effect_detector.h"

#include "csnake/abi.h"

#include <algorithm>
#include <map>
#include <set>

namespace csnake::analyzer {

const char *effectTypeName(EffectType t) {
  switch (t) {
    case EffectType::E: return "E";
    case EffectType::SPlus: return "S+";
    case EffectType::ParentDelay: return "parent_delay";
  }
  return "E";
}

bool parseEffectType(const std::string &s, EffectType &out) {
  if (s == "E")
    out = EffectType::E;
  else if (s == "S+")
    out = EffectType::SPlus;
  else if (s == "parent_delay")
    out = EffectType::ParentDelay;
  else
    return false;
  return true;
}

bool EffectDetector::clockPaced(const SiteRef &loop) const {
  auto it = data_.sites.find(loop);
  return it != data_.sites.end() && (it->second.flags & CSNAKE_FLAG_LOOP_SLEEPS) != 0;
}

// Iterations of (loop, callsig) per second of each run's wall time; false when a run has
// no wall time recorded.
bool EffectDetector::ratesOf(const std::vector<const RunData *> &runs, const LoopKey &k, std::vector<double> &out) {
  out.clear();
  for (const RunData *r : runs) {
    if (r->wallMs <= 0) return false;
    auto it = r->loops.find(k);
    double n = it == r->loops.end() ? 0.0 : static_cast<double>(it->second.iterations);
    out.push_back(n * 1000.0 / static_cast<double>(r->wallMs));
  }
  return true;
}

SiteRef EffectDetector::resolveContext(const ExperimentData &e, const std::vector<const RunData *> &runs) {
  if (!isZeroSite(e.context)) return e.context;
  std::set<SiteRef> contexts;
  for (const RunData *r : runs)
    for (const auto &[k, ev] : r->events)
      if (k.first == e.fault && ev.injected > 0) contexts.insert(k.second);
  if (contexts.size() == 1 && !isZeroSite(*contexts.begin())) return *contexts.begin();
  return "";
}

bool EffectDetector::isDelayFault(const ExperimentData &e) const {
  auto it = data_.sites.find(e.fault);
  if (it != data_.sites.end()) return it->second.kind == "LOOP";
  return e.delayMs > 0;
}

namespace {

constexpr uint32_t kEventDecision = 2;  // Decision::value of an event (run_data.h)

nlohmann::json decisionsJson(const std::vector<Decision> &ds) {
  nlohmann::json a = nlohmann::json::array();
  for (const Decision &d : ds) a.push_back({d.site, d.value});
  return a;
}

}  // namespace

std::vector<Effect> EffectDetector::detect(const ExperimentData &inj, const ProfileBaseline &profile,
                                           ExperimentVerdict &v) const {
  std::vector<Effect> out;
  RunSelection sel = selectRuns(inj, opts_.useTimedOut);
  v.experimentId = inj.id;
  v.usable = static_cast<int>(sel.usable.size());
  v.profileUsable = static_cast<int>(profile.repeats());
  v.notFired = sel.notFired;
  v.failed = sel.failed + sel.noSummary;
  v.timedOut = sel.timedOut;
  v.incomplete = sel.incomplete;
  if (!profile.experiment()) {
    v.skipReason = "no profile experiment for the test";
    return out;
  }
  if (static_cast<int>(sel.usable.size()) < opts_.minRepeats) {
    v.skipReason = "fewer than " + std::to_string(opts_.minRepeats) + " usable injection repeats";
    return out;
  }
  if (static_cast<int>(profile.repeats()) < opts_.minRepeats) {
    v.skipReason = "fewer than " + std::to_string(opts_.minRepeats) + " usable profile repeats";
    return out;
  }
  v.analysed = true;

  bool delay = isDelayFault(inj);
  SiteRef context = delay ? inj.fault : resolveContext(inj, sel.usable);
  const std::vector<const RunData *> &runs = sel.usable;
  nlohmann::json base = {{"experiment", inj.id},
                         {"test", inj.testName},
                         {"test_id", inj.testId},
                         {"fault", inj.fault},
                         {"context", context},
                         {"mode", inj.mode},
                         {"delay_ms", inj.delayMs},
                         {"injection_runs", sel.ids()},
                         {"profile_runs", profile.runs().ids()},
                         {"excluded",
                          {{"not_fired", sel.notFired},
                           {"failed", sel.failed + sel.noSummary},
                           {"timed_out", opts_.useTimedOut ? 0 : sel.timedOut},
                           {"incomplete", sel.incomplete}}}};
  auto make = [&](EffectType t, const SiteRef &site, const SiteRef &callsig, const std::string &rule,
                  nlohmann::json extra) {
    Effect e;
    e.experimentId = inj.id;
    e.testId = inj.testId;
    e.cause = inj.fault;
    e.causeContext = context;
    e.causeIsDelay = delay;
    e.type = t;
    e.site = site;
    e.callsig = callsig;
    e.rule = rule;
    e.evidence = base;
    e.evidence["rule"] = rule;
    e.evidence["type"] = effectTypeName(t);
    e.evidence["loop"] = site;
    if (!callsig.empty()) e.evidence["callsig"] = callsig;
    for (auto it = extra.begin(); it != extra.end(); ++it) e.evidence[it.key()] = it.value();
    out.push_back(std::move(e));
  };

  // Every (loop, callsig) seen on the injection side.
  std::set<LoopKey> loopKeys;
  for (const RunData *r : runs) {
    for (const auto &kv : r->loops) loopKeys.insert(kv.first);
    for (const auto &kv : r->paths) loopKeys.insert(kv.first);
  }

  // E: new path signatures.
  std::set<SiteRef> reached, failed;
  // A decision that is a failure: an event (value 2), or a THROW / ERROR_RETURN guard
  // decided on its fault side.
  auto isFailure = [&](const Decision &d) {
    if (d.value == kEventDecision) return true;
    auto it = data_.sites.find(d.site);
    if (it == data_.sites.end() || (it->second.kind != "THROW" && it->second.kind != "ERROR_RETURN")) return false;
    return d.value == ((it->second.flags & CSNAKE_FLAG_FAULT_ON_TRUE) ? 1u : 0u);
  };
  for (const LoopKey &k : loopKeys) {
    const RunData *first = runs.front();
    auto fp = first->paths.find(k);
    if (fp == first->paths.end()) continue;
    nlohmann::json sigs = nlohmann::json::array();
    for (const auto &[sig, path] : fp->second) {
      if (profile.hasSignature(k, sig)) continue;
      bool injectedPath = false;  // the iteration the fault was forced in is the cause
      for (const Decision &d : path.decisions) injectedPath |= d.site == inj.fault;
      if (injectedPath) continue;
      bool everywhere = true;
      uint64_t total = 0;
      for (const RunData *r : runs) {
        auto it = r->paths.find(k);
        auto ps = it == r->paths.end() ? nullptr : &it->second;
        auto pit = ps ? ps->find(sig) : decltype(fp->second.end()){};
        if (!ps || pit == ps->end()) {
          everywhere = false;
          break;
        }
        total += pit->second.count;
      }
      if (!everywhere) continue;
      sigs.push_back({{"signature", sig}, {"count", total}, {"decisions", decisionsJson(path.decisions)}});
      for (const Decision &d : path.decisions) {
        reached.insert(d.site);
        if (isFailure(d)) failed.insert(d.site);
      }
    }
    if (!sigs.empty()) {
      make(EffectType::E, k.first, k.second, "new_path", {{"new_signatures", sigs}});
      out.back().reached = std::move(reached);
      out.back().failed = std::move(failed);
    }
    reached.clear();
    failed.clear();
  }

  // E: new fault events.
  {
    std::set<EventKey> keys;
    for (const auto &kv : runs.front()->events)
      if (kv.second.occurred > 0) keys.insert(kv.first);
    for (const EventKey &k : keys) {
      if (k.first == inj.fault) {
        // The injected fault itself: its context, any context when the plan had none, and
        // any (site, context) where some run recorded an injection.
        bool injectedHere = context.empty() || k.second == context || isZeroSite(inj.context);
        for (const RunData *r : runs) {
          auto it = r->events.find(k);
          injectedHere |= it != r->events.end() && it->second.injected > 0;
        }
        if (injectedHere) continue;
      }
      if (profile.hadEvent(k)) continue;
      bool everywhere = true;
      nlohmann::json occurred = nlohmann::json::array();
      for (const RunData *r : runs) {
        auto it = r->events.find(k);
        if (it == r->events.end() || it->second.occurred == 0) {
          everywhere = false;
          break;
        }
        occurred.push_back(it->second.occurred);
      }
      if (!everywhere || isZeroSite(k.second)) continue;
      make(EffectType::E, k.second, "", "new_event",
           {{"event", {{"site", k.first}, {"context", k.second}, {"occurred", occurred}}}});
      out.back().reached = {k.first};
      out.back().failed = {k.first};
    }
  }

  // S+ and parent delay.
  for (const LoopKey &k : loopKeys) {
    std::vector<double> xs;
    bool everyRun = true;
    stats::Histogram pooled;
    SiteRef parent;
    for (const RunData *r : runs) {
      auto it = r->loops.find(k);
      double n = it == r->loops.end() ? 0.0 : static_cast<double>(it->second.iterations);
      xs.push_back(n);
      if (n <= 0) everyRun = false;
      if (it != r->loops.end()) {
        for (const auto &[b, c] : it->second.histogram) pooled[b] += c;
        if (parent.empty() && !isZeroSite(it->second.parent)) parent = it->second.parent;
      }
    }
    std::vector<double> ys = profile.iterations(k);
    if (!profile.ran(k)) {
      if (everyRun)
        make(EffectType::SPlus, k.first, k.second, "new_loop",
             {{"iterations", xs}, {"profile_iterations", ys}, {"means", {stats::mean(xs), 0.0}}, {"p", 0.0}});
    } else {
      stats::WelchResult w = stats::welchOneSided(xs, ys);
      bool more = w.valid && w.meanA > w.meanB && w.p < opts_.pValue;
      nlohmann::json rateEvidence;
      if (more && opts_.clockPacedPerSecond && clockPaced(k.first)) {
        std::vector<double> xr, yr;
        if (ratesOf(runs, k, xr) && ratesOf(profile.runs().usable, k, yr)) {
          stats::WelchResult wr = stats::welchOneSided(xr, yr);
          more = wr.valid && wr.meanA > wr.meanB && wr.p < opts_.pValue;
          rateEvidence = {{"per_second", xr}, {"profile_per_second", yr}, {"p", wr.p}};
        }
      }
      if (more) {
        nlohmann::json ev = {{"iterations", xs},
                             {"profile_iterations", ys},
                             {"means", {w.meanA, w.meanB}},
                             {"p", w.p},
                             {"t", w.degenerate ? nlohmann::json("inf") : nlohmann::json(w.t)},
                             {"df", w.df},
                             {"ties", w.degenerate}};
        if (!rateEvidence.is_null()) ev["clock_paced"] = rateEvidence;
        make(EffectType::SPlus, k.first, k.second, "more_iterations", ev);
      }
    }
    if (!parent.empty()) {
      static const stats::Histogram kEmpty;
      const stats::Histogram *ph = profile.histogram(k);
      const stats::Histogram &q = ph ? *ph : kEmpty;
      double tvd = stats::totalVariationDistance(pooled, q);
      double mi = stats::histogramMean(pooled), mp = stats::histogramMean(q);
      if (stats::histogramTotal(pooled) > 0 && tvd >= opts_.tvd && mi > mp)
        make(EffectType::ParentDelay, k.first, k.second, "parent_delay",
             {{"parent", parent}, {"tvd", tvd}, {"per_invocation_means", {mi, mp}}});
    }
  }
  v.effects = static_cast<int>(out.size());
  return out;
}

std::vector<Effect> EffectDetector::detectAll(std::vector<ExperimentVerdict> &verdicts,
                                              AnalysisMonitor *monitor) const {
  // One baseline per test: its profile experiment (the one with the most usable repeats
  // when several exist).
  std::map<int64_t, ProfileBaseline> baselines;
  for (const ExperimentData &e : data_.experiments) {
    if (e.kind != ExperimentKind::Profile) continue;
    RunSelection sel = selectRuns(e, false);
    auto it = baselines.find(e.testId);
    if (it == baselines.end() || it->second.repeats() < sel.usable.size())
      baselines[e.testId] = ProfileBaseline(&e, std::move(sel));
  }
  static const ProfileBaseline kNone;
  std::vector<Effect> all;
  size_t total = 0, done = 0;
  for (const ExperimentData &e : data_.experiments) total += e.kind == ExperimentKind::Injection;
  for (const ExperimentData &e : data_.experiments) {
    if (e.kind != ExperimentKind::Injection) continue;
    if (monitor) monitor->step("fault causality analysis, experiments", ++done, total);
    auto it = baselines.find(e.testId);
    ExperimentVerdict v;
    std::vector<Effect> fx = detect(e, it == baselines.end() ? kNone : it->second, v);
    verdicts.push_back(v);
    for (Effect &f : fx) all.push_back(std::move(f));
  }
  return all;
}

}  // namespace csnake::analyzer
