#include "compat/compat_checker.h"

#include "csnake/abi.h"

#include <z3++.h>

#include <algorithm>
#include <tuple>

#include "compat/operand_key.h"
#include "fca/effect.h"

namespace csnake::analyzer {

const char *compatVerdictName(CompatVerdict v) {
  switch (v) {
    case CompatVerdict::Compatible: return "compatible";
    case CompatVerdict::Incompatible: return "incompatible";
    case CompatVerdict::Unconstrained: return "unconstrained";
    case CompatVerdict::Unknown: return "unknown";
    case CompatVerdict::Unchecked: return "unchecked";
  }
  return "unchecked";
}

nlohmann::json JunctionResult::toJson() const {
  nlohmann::json j = {{"loop", loop}, {"verdict", compatVerdictName(verdict)}};
  if (!core.empty()) j["core"] = core;
  if (!sides.is_null()) j["sides"] = sides;
  return j;
}

std::string renderSite(const SiteRef &site, const std::map<SiteRef, SiteInfo> &sites) {
  auto it = sites.find(site);
  if (it == sites.end()) return site + " (unknown site)";
  const SiteInfo &s = it->second;
  std::string cond = conditionText(s.detail);
  std::string out = s.file + ":" + std::to_string(s.line);
  if (!cond.empty()) out += " `" + cond + "`";
  if (!s.function.empty()) out += " in " + s.function;
  return out;
}

namespace {

std::string describeSide(const JunctionSide &s) {
  std::string runs;
  for (int64_t r : s.runs) runs += (runs.empty() ? "" : ",") + std::to_string(r);
  return "run " + s.label + " (experiment " + std::to_string(s.experiment) + ", test " + s.test + ", runs " + runs +
         ")";
}

struct Encoder {
  z3::context &ctx;
  const std::map<SiteRef, SiteInfo> &sites;
  std::map<SiteRef, z3::expr> bools;
  std::map<std::string, z3::expr> ints;
  std::vector<z3::expr> background;

  z3::expr boolOf(const SiteRef &site) {
    auto it = bools.find(site);
    if (it != bools.end()) return it->second;
    z3::expr b = ctx.bool_const(("b_" + site).c_str());
    bools.emplace(site, b);
    auto si = sites.find(site);
    if (si != sites.end()) {
      if (auto key = parseOperandKey(si->second.detail)) {
        auto ii = ints.find(key->operand);
        if (ii == ints.end()) ii = ints.emplace(key->operand, ctx.int_const(("v_" + key->operand).c_str())).first;
        z3::expr x = ii->second;
        z3::expr k = ctx.int_val(static_cast<int64_t>(key->constant));
        const std::string &p = key->pred;
        bool isUnsigned = p[0] == 'u';
        z3::expr cmp = p == "eq"                    ? x == k
                       : p == "ne"                  ? x != k
                       : (p == "slt" || p == "ult") ? x < k
                       : (p == "sle" || p == "ule") ? x <= k
                       : (p == "sgt" || p == "ugt") ? x > k
                                                    : x >= k;
        background.push_back(b == cmp);
        if (isUnsigned) background.push_back(x >= 0);
      }
    }
    return b;
  }
};

// The constrained decisions of a path: branch decisions (0/1) on non-free sites.
std::vector<Decision> literalsOf(const PathData &p, const std::set<SiteRef> &free) {
  std::vector<Decision> out;
  for (const Decision &d : p.decisions)
    if (d.value <= 1 && !free.count(d.site)) out.push_back(d);
  return out;
}

}  // namespace

// Sites with a run-wide decision on both sides: site -> (A's value, B's value).
std::map<SiteRef, std::pair<uint32_t, uint32_t>> sharedInvariants(const JunctionSide &a, const JunctionSide &b,
                                                                  const std::set<SiteRef> &free) {
  std::map<SiteRef, std::pair<uint32_t, uint32_t>> out;
  for (const auto &[site, va] : a.invariants) {
    auto vb = b.invariants.find(site);
    if (vb != b.invariants.end() && !free.count(site)) out[site] = {va, vb->second};
  }
  return out;
}

JunctionResult checkSides(const SiteRef &loop, const JunctionSide &a, const JunctionSide &b,
                          const std::set<SiteRef> &free, const std::map<SiteRef, SiteInfo> &sites, unsigned timeoutMs,
                          const std::vector<Decision> &required) {
  JunctionResult r;
  r.loop = loop;
  auto sideJson = [](const JunctionSide &s) {
    return nlohmann::json{{"experiment", s.experiment}, {"test", s.test}, {"runs", s.runs}, {"paths", s.paths.size()}};
  };
  r.sides = {{"A", sideJson(a)}, {"B", sideJson(b)}};
  if (a.paths.empty() || b.paths.empty()) {
    r.verdict = CompatVerdict::Unconstrained;
    return r;
  }
  z3::context ctx;
  Encoder enc{ctx, sites, {}, {}, {}};
  auto conj = [&](const std::vector<Decision> &lits) {
    z3::expr e = ctx.bool_val(true);
    for (const Decision &d : lits) {
      z3::expr v = enc.boolOf(d.site);
      e = e && (d.value ? v : !v);
    }
    return e;
  };
  z3::solver s(ctx);
  z3::params prm(ctx);
  prm.set("timeout", timeoutMs);
  s.set(prm);
  int sel = 0;
  for (const JunctionSide *side : {&a, &b}) {
    z3::expr_vector choices(ctx);
    for (const PathData &p : side->paths) {
      z3::expr c = ctx.bool_const(("sel_" + std::to_string(sel++)).c_str());
      choices.push_back(c);
      s.add(z3::implies(c, conj(literalsOf(p, free))));
    }
    s.add(z3::mk_or(choices));
  }
  // Run-wide facts count only where both sides have one: a decision the incoming fault
  // changed varies on side A (its profile disagrees), so it never blocks a stitch; a
  // configuration flag is fixed on both sides and must agree.
  for (const auto &[site, value] : sharedInvariants(a, b, free))
    for (uint32_t v : {value.first, value.second}) {
      z3::expr x = enc.boolOf(site);
      s.add(v ? x : !x);
    }
  for (const Decision &d : required) {
    z3::expr x = enc.boolOf(d.site);
    s.add(d.value ? x : !x);
  }
  for (const z3::expr &e : enc.background) s.add(e);
  z3::check_result res = s.check();
  if (res == z3::sat) {
    r.verdict = CompatVerdict::Compatible;
    return r;
  }
  if (res == z3::unknown) {
    r.verdict = CompatVerdict::Unknown;  // a timeout does not reject a stitch
    return r;
  }
  r.verdict = CompatVerdict::Incompatible;
  // The core of the most frequent pair of paths (every pair is UNSAT).
  auto top = [](const JunctionSide &side) {
    return &*std::max_element(side.paths.begin(), side.paths.end(),
                              [](const PathData &x, const PathData &y) { return x.count < y.count; });
  };
  z3::solver cs(ctx);
  for (const z3::expr &e : enc.background) cs.add(e);
  z3::expr_vector assumptions(ctx);
  std::map<std::string, std::pair<std::string, Decision>> byName;
  for (const JunctionSide *side : {&a, &b}) {
    std::vector<Decision> lits = literalsOf(*top(*side), free);
    for (const auto &[site, values] : sharedInvariants(a, b, free))
      lits.push_back({site, side == &a ? values.first : values.second});
    for (const Decision &d : lits) {
      std::string name = "t" + side->label + "_" + d.site + "_" + std::to_string(d.value);
      if (byName.count(name)) continue;
      z3::expr t = ctx.bool_const(name.c_str());
      z3::expr v = enc.boolOf(d.site);
      cs.add(z3::implies(t, d.value ? v : !v));
      assumptions.push_back(t);
      byName.emplace(name, std::make_pair(side->label, d));
    }
  }
  for (const Decision &d : required) {
    std::string name = "tG_" + d.site + "_" + std::to_string(d.value);
    z3::expr t = ctx.bool_const(name.c_str());
    z3::expr v = enc.boolOf(d.site);
    cs.add(z3::implies(t, d.value ? v : !v));
    assumptions.push_back(t);
    byName.emplace(name, std::make_pair(std::string("G"), d));
  }
  for (const z3::expr &e : enc.background) cs.add(e);  // sites first seen above
  if (cs.check(assumptions) == z3::unsat) {
    z3::expr_vector core = cs.unsat_core();
    std::map<SiteRef, std::map<std::string, uint32_t>> bySite;
    for (unsigned i = 0; i < core.size(); ++i) {
      auto it = byName.find(core[i].decl().name().str());
      if (it != byName.end()) bySite[it->second.second.site][it->second.first] = it->second.second.value;
    }
    for (const auto &[site, took] : bySite) {
      std::string line = renderSite(site, sites) + ":";
      for (const auto &[label, value] : took)
        line += label == "G" ? std::string(" the next fault needs it ") + (value ? "true" : "false") + " (its fault side);"
                             : std::string(" ") + describeSide(label == "A" ? a : b) + " took " +
                                   (value ? "true" : "false") + ";";
      line.pop_back();
      auto si = sites.find(site);
      if (si != sites.end())
        if (auto key = parseOperandKey(si->second.detail))
          line += " [" + key->operand + " " + key->pred + " " + std::to_string(key->constant) + "]";
      r.core.push_back(line);
    }
  }
  if (r.core.empty()) r.core.push_back("(no core: the paths conflict only as a whole)");
  return r;
}

CompatChecker::CompatChecker(const CampaignData &data, const std::vector<Effect> &effects,
                             const std::vector<CausalEdge> &edges, CompatOptions opts)
    : data_(data), effects_(effects), edges_(edges), opts_(opts) {
  for (const ExperimentData &e : data_.experiments) experiments_[e.id] = &e;
}

namespace {

std::vector<int64_t> runIds(const nlohmann::json &evidence) {
  std::vector<int64_t> out;
  if (evidence.contains("injection_runs"))
    for (const auto &r : evidence["injection_runs"]) out.push_back(r.get<int64_t>());
  return out;
}

// Paths merged by signature: the ones deciding `mustDecide` when there are any (the
// iterations where the next fault was reached), most frequent first, at most `limit`.
std::vector<PathData> rankPaths(std::map<SiteRef, PathData> bySig, const SiteRef &mustDecide, size_t limit) {
  std::vector<PathData> all, deciding;
  for (auto &kv : bySig) {
    bool decides = false;
    for (const Decision &d : kv.second.decisions) decides |= d.site == mustDecide && d.value <= 1;
    (decides ? deciding : all).push_back(std::move(kv.second));
  }
  std::vector<PathData> out = deciding.empty() ? std::move(all) : std::move(deciding);
  std::stable_sort(out.begin(), out.end(), [](const PathData &a, const PathData &b) { return a.count > b.count; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// Paths at `loop` of the given runs: over every call site (`merged`) and per call site
// (`byCallsig`), in one pass over the runs.
void pathsAt(const ExperimentData &x, const std::vector<int64_t> &runs, const SiteRef &loop,
             const SiteRef &mustDecide, size_t limit, std::vector<PathData> *merged,
             std::map<SiteRef, std::vector<PathData>> *byCallsig) {
  std::map<SiteRef, PathData> bySig;
  std::map<SiteRef, std::map<SiteRef, PathData>> perCallsig;
  for (const RunData &r : x.runs) {
    if (std::find(runs.begin(), runs.end(), r.id) == runs.end()) continue;
    for (const auto &[key, sigs] : r.paths) {
      if (key.first != loop) continue;
      for (const auto &[sig, p] : sigs) {
        for (PathData *m : {&bySig[sig], byCallsig ? &perCallsig[key.second][sig] : nullptr}) {
          if (!m) continue;
          if (m->decisions.empty()) m->decisions = p.decisions;
          m->count += p.count;
        }
      }
    }
  }
  if (merged) *merged = rankPaths(std::move(bySig), mustDecide, limit);
  if (byCallsig)
    for (auto &[c, m] : perCallsig) (*byCallsig)[c] = rankPaths(std::move(m), mustDecide, limit);
}

}  // namespace

std::vector<size_t> CompatChecker::supportOrder(const CausalEdge &e) const {
  using Key = std::tuple<std::string, std::string, int, SiteRef, SiteRef, std::string, int64_t, size_t>;
  std::vector<Key> keys;
  keys.reserve(e.effects.size());
  for (size_t i : e.effects) {
    const Effect &f = effects_[i];
    auto xi = experiments_.find(f.experimentId);
    const ExperimentData *x = xi == experiments_.end() ? nullptr : xi->second;
    keys.emplace_back(x ? x->testName : std::string(), x ? x->mode : std::string(), x ? x->delayMs : 0, f.site,
                      f.callsig, f.rule, f.experimentId, i);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<size_t> order;
  order.reserve(keys.size());
  for (const Key &k : keys) order.push_back(std::get<7>(k));
  return order;
}

std::vector<JunctionSide> CompatChecker::incomingSides(const CausalEdge &e, const SiteRef &junction) const {
  std::vector<JunctionSide> out;
  for (size_t i : supportOrder(e)) {
    if (opts_.maxSupportsPerSide && out.size() >= opts_.maxSupportsPerSide) break;
    const Effect &f = effects_[i];
    auto xi = experiments_.find(f.experimentId);
    if (xi == experiments_.end()) continue;
    JunctionSide s;
    s.label = "A";
    s.experiment = f.experimentId;
    s.test = xi->second->testName;
    s.runs = runIds(f.evidence);
    if (f.rule == "new_path" && f.site == junction && f.evidence.contains("new_signatures")) {
      s.callsig = f.callsig;
      for (const auto &sig : f.evidence["new_signatures"]) {
        PathData p;
        p.count = sig.value("count", uint64_t(1));
        for (const auto &d : sig["decisions"]) p.decisions.push_back({d[0].get<std::string>(), d[1].get<uint32_t>()});
        s.paths.push_back(std::move(p));
      }
    } else {
      pathsAt(*xi->second, s.runs, junction, "", opts_.maxPathsPerSide, &s.paths, nullptr);
    }
    s.invariants = invariantsAt(*xi->second, s.runs, junction);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<JunctionSide> CompatChecker::outgoingSides(const CausalEdge &e, const SiteRef &junction) const {
  std::vector<JunctionSide> out;
  std::set<int64_t> seen;
  for (size_t i : supportOrder(e)) {
    if (opts_.maxSupportsPerSide && out.size() >= opts_.maxSupportsPerSide) break;
    const Effect &f = effects_[i];
    if (!seen.insert(f.experimentId).second) continue;
    auto xi = experiments_.find(f.experimentId);
    if (xi == experiments_.end()) continue;
    JunctionSide s;
    s.label = "B";
    s.experiment = f.experimentId;
    s.test = xi->second->testName;
    s.runs = runIds(f.evidence);
    pathsAt(*xi->second, s.runs, junction, e.cause, opts_.maxPathsPerSide, &s.paths, &s.pathsByCallsig);
    s.invariants = invariantsAt(*xi->second, s.runs, junction);
    out.push_back(std::move(s));
  }
  return out;
}

std::map<SiteRef, uint32_t> CompatChecker::invariantsAt(const ExperimentData &x, const std::vector<int64_t> &runs,
                                                        const SiteRef &junction) const {
  // Every decision recorded at J in the side's runs and in the profile runs of its test;
  // a site whose recorded decisions all agree is an invariant. The profile is included so
  // a decision the injected fault itself changed (a new retry branch) never counts.
  std::map<SiteRef, std::set<uint32_t>> seen;
  auto collect = [&](const RunData &r) {
    for (const auto &[key, sigs] : r.paths) {
      if (key.first != junction) continue;
      for (const auto &[sig, p] : sigs)
        for (const Decision &d : p.decisions)
          if (d.value <= 1) seen[d.site].insert(d.value);
    }
  };
  for (const RunData &r : x.runs)
    if (std::find(runs.begin(), runs.end(), r.id) != runs.end()) collect(r);
  bool profiled = false;
  for (const ExperimentData &p : data_.experiments)
    if (p.kind == ExperimentKind::Profile && p.testId == x.testId)
      for (const RunData &r : p.runs)
        if (r.state == RunState::Done) {
          collect(r);
          profiled = true;
        }
  std::map<SiteRef, uint32_t> out;
  if (!profiled) return out;  // without a baseline nothing is known to be run-wide
  for (const auto &[site, values] : seen)
    if (values.size() == 1) out[site] = *values.begin();
  return out;
}

const std::vector<JunctionSide> &CompatChecker::sidesOf(size_t edge, const SiteRef &junction, bool incoming) {
  auto key = std::make_tuple(edge, junction, incoming);
  auto it = sides_.find(key);
  if (it != sides_.end()) return it->second;
  return sides_[key] = incoming ? incomingSides(edges_[edge], junction) : outgoingSides(edges_[edge], junction);
}

JunctionResult CompatChecker::check(size_t inEdge, size_t outEdge, const SiteRef &junction) {
  auto key = std::make_tuple(inEdge, outEdge, junction);
  auto m = memo_.find(key);
  if (m != memo_.end()) return m->second;
  JunctionResult result;
  result.loop = junction;
  if (!opts_.enabled) {
    result.verdict = CompatVerdict::Unchecked;
    return memo_[key] = result;
  }
  const CausalEdge &in = edges_[inEdge], &out = edges_[outEdge];
  std::set<SiteRef> free = {out.cause, in.cause};
  // At a THROW / ERROR_RETURN junction the state must let the next fault's guard take its
  // fault side: its recorded decisions stay free (A reached it without failing, B forced
  // it), and the fault side itself is required, so that a condition on the same operand
  // elsewhere in A's state can contradict it.
  std::vector<Decision> required;
  auto gi = data_.sites.find(out.cause);
  if (gi != data_.sites.end() && (gi->second.kind == "THROW" || gi->second.kind == "ERROR_RETURN") &&
      !(gi->second.flags & CSNAKE_FLAG_PLAIN_THROW))
    required.push_back({out.cause, (gi->second.flags & CSNAKE_FLAG_FAULT_ON_TRUE) ? 1u : 0u});
  // Every (incoming support, outgoing support) pair until one is satisfiable.
  const std::vector<JunctionSide> &as = sidesOf(inEdge, junction, true), &bs = sidesOf(outEdge, junction, false);
  bool first = true;
  for (const JunctionSide &a : as) {
    for (const JunctionSide &b0 : bs) {
      // Like with like: the state a new-path effect puts J in, at its call site, against
      // the outgoing runs' iterations at the same call site. A pair without a common call
      // site says nothing about this junction and is not tried.
      JunctionSide atCallsig;
      const JunctionSide *bp = &b0;
      if (!a.callsig.empty()) {
        auto c = b0.pathsByCallsig.find(a.callsig);
        if (c == b0.pathsByCallsig.end()) continue;
        atCallsig.label = b0.label;
        atCallsig.experiment = b0.experiment;
        atCallsig.test = b0.test;
        atCallsig.runs = b0.runs;
        atCallsig.invariants = b0.invariants;
        atCallsig.paths = c->second;
        bp = &atCallsig;
      }
      const JunctionSide &b = *bp;
      JunctionResult r = checkSides(junction, a, b, free, data_.sites, opts_.timeoutMs, required);
      if (first || r.accepted()) result = r;
      first = false;
      if (r.accepted()) return memo_[key] = result;
    }
  }
  if (first) result.verdict = CompatVerdict::Unconstrained;
  return memo_[key] = result;
}

}  // namespace csnake::analyzer
