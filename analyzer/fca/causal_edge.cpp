#include "fca/causal_edge.h"

#include <map>
#include <tuple>

namespace csnake::analyzer {

std::vector<CausalEdge> buildEdges(const std::vector<Effect> &effects) {
  std::map<std::tuple<SiteRef, SiteRef, SiteRef, int>, CausalEdge> byKey;
  for (size_t i = 0; i < effects.size(); ++i) {
    const Effect &f = effects[i];
    CausalEdge &e = byKey[{f.cause, f.causeContext, f.site, static_cast<int>(f.type)}];
    e.cause = f.cause;
    e.causeContext = f.causeContext;
    e.causeIsDelay = f.causeIsDelay;
    e.effect = f.site;
    e.type = f.type;
    if (f.type == EffectType::ParentDelay && f.evidence.contains("parent"))
      e.parents.insert(f.evidence["parent"].get<std::string>());
    e.effects.push_back(i);
    e.experiments.insert(f.experimentId);
    e.tests.insert(f.testId);
    e.reached.insert(f.reached.begin(), f.reached.end());
    e.failed.insert(f.failed.begin(), f.failed.end());
  }
  std::vector<CausalEdge> out;
  for (auto &kv : byKey) {
    out.push_back(std::move(kv.second));
    out.back().id = static_cast<int64_t>(out.size());
  }
  return out;
}

nlohmann::json CausalEdge::evidence(const std::vector<Effect> &all, const CampaignData &data) const {
  nlohmann::json supports = nlohmann::json::array(), tests = nlohmann::json::array();
  for (size_t i : effects) supports.push_back(all[i].evidence);
  for (int64_t t : this->tests) {
    auto it = data.testNames.find(t);
    tests.push_back(it == data.testNames.end() ? std::to_string(t) : it->second);
  }
  return {{"cause", cause},
          {"cause_context", causeContext},
          {"delay_fault", causeIsDelay},
          {"effect", effect},
          {"type", effectTypeName(type)},
          {"tests", tests},
          {"experiments", experiments},
          {"supports", supports}};
}

}  // namespace csnake::analyzer
