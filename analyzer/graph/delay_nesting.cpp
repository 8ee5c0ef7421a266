#include "graph/delay_nesting.h"

#include <vector>

namespace csnake::analyzer {

LoopNesting LoopNesting::observed(const CampaignData &data) {
  LoopNesting n;
  for (const ExperimentData &e : data.experiments)
    for (const RunData &r : e.runs)
      for (const auto &[key, loop] : r.loops) n.add(key.first, loop.parent);
  return n;
}

void LoopNesting::add(const SiteRef &loop, const SiteRef &enclosing) {
  if (isZeroSite(enclosing) || enclosing == loop) return;
  parents_[loop].insert(enclosing);
}

bool LoopNesting::encloses(const SiteRef &outer, const SiteRef &inner) const {
  if (outer == inner) return false;
  // Depth-first through the observed parents; recursion can make the relation cyclic.
  std::set<SiteRef> seen{inner};
  std::vector<SiteRef> todo{inner};
  while (!todo.empty()) {
    SiteRef l = todo.back();
    todo.pop_back();
    auto it = parents_.find(l);
    if (it == parents_.end()) continue;
    for (const SiteRef &p : it->second) {
      if (p == outer) return true;
      if (seen.insert(p).second) todo.push_back(p);
    }
  }
  return false;
}

namespace {

bool sameOrNestedDelay(const nlohmann::json &x, const nlohmann::json &y, const LoopNesting &n) {
  std::string xs = x.value("site", ""), ys = y.value("site", "");
  if (xs == ys && x.value("context", "") == y.value("context", "")) return true;
  if (!x.value("delay", false) || !y.value("delay", false)) return false;
  return n.encloses(xs, ys) || n.encloses(ys, xs);
}

}  // namespace

bool sameUpToDelayNesting(const nlohmann::json &a, const nlohmann::json &b, const LoopNesting &nesting) {
  if (!a.is_array() || !b.is_array() || a.size() != b.size() || a.empty()) return false;
  size_t n = a.size();
  for (size_t r = 0; r < n; ++r) {
    bool all = true;
    for (size_t i = 0; i < n && all; ++i) all = sameOrNestedDelay(a[i], b[(i + r) % n], nesting);
    if (all) return true;
  }
  return false;
}

}  // namespace csnake::analyzer
