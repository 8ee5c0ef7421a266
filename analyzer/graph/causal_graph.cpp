#include "graph/causal_graph.h"

#include <climits>
#include <cstdint>

namespace csnake::analyzer {

size_t CausalGraph::vertexOf(const SiteRef &site, const SiteRef &context) const {
  auto it = index_.find({site, context});
  return it == index_.end() ? SIZE_MAX : it->second;
}

CausalGraph CausalGraph::build(const std::vector<CausalEdge> &edges, const std::map<SiteRef, SiteInfo> &sites,
                               ContinuationRule rule, StitchGrammar grammar) {
  CausalGraph cg;
  // Vertices: every cause, in edge order (edges are sorted, so this is deterministic).
  for (const CausalEdge &e : edges) {
    if (cg.index_.count({e.cause, e.causeContext})) continue;
    FaultVertex v;
    v.site = e.cause;
    v.context = e.causeContext;
    v.delay = e.causeIsDelay;
    auto it = sites.find(e.cause);
    if (it != sites.end()) {
      v.kind = it->second.kind;
      v.delay = v.kind == "LOOP";
    }
    cg.index_[{v.site, v.context}] = cg.vertices_.size();
    cg.vertices_.push_back(v);
  }
  cg.g_ = Graph(cg.vertices_.size());
  std::map<SiteRef, std::vector<size_t>> errorsIn;  // context loop -> error faults
  std::map<SiteRef, size_t> delayAt;                // loop -> delay fault (L, L)
  for (size_t i = 0; i < cg.vertices_.size(); ++i) {
    const FaultVertex &v = cg.vertices_[i];
    if (v.delay) {
      if (v.context == v.site || isZeroSite(v.context)) delayAt.emplace(v.site, i);
    } else if (!isZeroSite(v.context)) {
      errorsIn[v.context].push_back(i);
    }
  }
  // parent_delay licences: (cause vertex, child loop) -> edge index.
  std::map<std::pair<size_t, SiteRef>, size_t> licence;
  for (size_t i = 0; i < edges.size(); ++i)
    if (edges[i].type == EffectType::ParentDelay)
      licence[{cg.index_.at({edges[i].cause, edges[i].causeContext}), edges[i].effect}] = i;

  auto add = [&](size_t from, size_t to, size_t edge, long hop, const SiteRef &junction) {
    Transition t{from, to, edge, hop, junction};
    boost::add_edge(from, to, cg.transitions_.size(), cg.g_);
    cg.transitions_.push_back(t);
  };
  for (size_t i = 0; i < edges.size(); ++i) {
    const CausalEdge &e = edges[i];
    size_t from = cg.index_.at({e.cause, e.causeContext});
    if (e.type == EffectType::E) {
      auto it = errorsIn.find(e.effect);
      if (it != errorsIn.end())
        for (size_t to : it->second)
          if (continues(e, cg.vertices_[to].site, cg.vertices_[to].kind, rule)) add(from, to, i, -1, e.effect);
    } else if (e.type == EffectType::SPlus) {
      // A slower test makes every clock-paced loop iterate more: under the reference
      // grammar that S+ is not the slowness of a new delay.
      if (grammar == StitchGrammar::Reference && cg.vertices_[from].delay) continue;
      auto d = delayAt.find(e.effect);
      if (d != delayAt.end()) add(from, d->second, i, -1, e.effect);
      auto lic = licence.find({from, e.effect});
      if (lic != licence.end())
        for (const SiteRef &parent : edges[lic->second].parents) {
          auto p = delayAt.find(parent);
          if (p != delayAt.end()) add(from, p->second, i, static_cast<long>(lic->second), parent);
        }
    }
  }
  return cg;
}

}  // namespace csnake::analyzer
