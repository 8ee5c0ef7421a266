#include "store/analysis_reader.h"

#include <map>
#include <stdexcept>

#include "csnake/campaigndb/analysis_rows.h"
#include "csnake/campaigndb/campaign_reader.h"

namespace csnake::analyzer {

namespace {

nlohmann::json siteJson(const std::string &id, const std::map<SiteRef, SiteInfo> &sites) {
  if (id.empty()) return {{"id", ""}, {"kind", ""}, {"file", ""}, {"line", 0}, {"function", ""}};
  auto it = sites.find(id);
  if (it == sites.end()) return {{"id", id}, {"kind", "?"}, {"file", "?"}, {"line", 0}, {"function", "?"}};
  const SiteInfo &s = it->second;
  return {{"id", id}, {"kind", s.kind}, {"file", s.file}, {"line", s.line}, {"function", s.function}};
}

}  // namespace

std::string siteLine(const nlohmann::json &s) {
  std::string id = s.value("id", "");
  if (id.empty()) return "(any context)";
  return s.value("kind", "?") + " " + id + " " + s.value("file", "?") + ":" + std::to_string(s.value("line", 0)) + " " +
         s.value("function", "?");
}

void requireAnalysis(CampaignDb &db) {
  if (countRunsTotal(db) == 0) throw std::runtime_error(db.path() + ": no runs (run 'csnake campaign' first)");
  if (!hasAnalysis(db))
    throw std::runtime_error(db.path() + ": not analysed yet (run 'csnake analyze --db " + db.path() + "')");
}

nlohmann::json readEdges(CampaignDb &db) {
  auto sites = loadSiteInfos(db);
  nlohmann::json out = nlohmann::json::array();
  for (const EdgeRow &row : storedEdges(db)) {
    const nlohmann::json &ev = row.evidence;
    nlohmann::json e = {
        {"id", row.id},
        {"cause", siteJson(row.cause, sites)},
        {"cause_context", siteJson(row.causeContext, sites)},
        {"effect", siteJson(row.effect, sites)},
        {"type", row.type},
        {"n_tests", row.tests},
        {"tests", ev.is_object() ? ev.value("tests", nlohmann::json::array()) : nlohmann::json::array()},
        {"experiments", ev.is_object() ? ev.value("experiments", nlohmann::json::array()) : nlohmann::json::array()},
        {"evidence", ev}};
    out.push_back(std::move(e));
  }
  return out;
}

namespace {

// What a cycle's step shows of its edge. Steps store the edge id only (schema 5's
// analysis); an older analysis stored cause, effect, type and tests with the step, which
// are used when the edge is not found.
struct StepEdges {
  std::map<int64_t, EdgeRow> byId;  // evidence with supports only for `cycles --id`
  const EdgeRow *find(const nlohmann::json &st) const {
    auto it = byId.find(st.value("edge", int64_t(0)));
    return it == byId.end() ? nullptr : &it->second;
  }
};

nlohmann::json cycleJson(const StoredCycleRow &row, const std::map<SiteRef, SiteInfo> &sites, const StepEdges &edges,
                         const std::vector<StoredChainRow> &others, bool withEvidence) {
  const nlohmann::json &ev = row.evidence;
  nlohmann::json steps = nlohmann::json::array();
  if (ev.is_object())
    for (const auto &st : ev.value("steps", nlohmann::json::array())) {
      const EdgeRow *e = edges.find(st);
      auto field = [&](const char *key, const std::string &fromEdge) {
        return e ? fromEdge : st.value(key, std::string());
      };
      nlohmann::json tests = e && e->evidence.is_object() ? e->evidence.value("tests", nlohmann::json::array())
                             : st.contains("tests")      ? st["tests"]
                             : st.contains("evidence")   ? st["evidence"].value("tests", nlohmann::json::array())
                                                         : nlohmann::json::array();
      nlohmann::json step = {{"edge", st.value("edge", 0)},
                             {"type", field("type", e ? e->type : "")},
                             {"cause", siteJson(field("cause", e ? e->cause : ""), sites)},
                             {"cause_context", siteJson(field("cause_context", e ? e->causeContext : ""), sites)},
                             {"effect", siteJson(field("effect", e ? e->effect : ""), sites)},
                             {"next_fault", siteJson(st.value("next_fault", ""), sites)},
                             {"tests", tests},
                             {"next_fault_observed", st.value("next_fault_observed", true)},
                             {"junction", st.value("junction_check", nlohmann::json::object())}};
      if (st.contains("hop")) {
        const EdgeRow *h = edges.find(st["hop"]);
        step["hop"] = {{"edge", st["hop"].value("edge", 0)},
                       {"child", siteJson(h ? h->effect : st["hop"].value("child", ""), sites)},
                       {"parent", siteJson(st["hop"].value("parent", ""), sites)}};
        if (withEvidence)
          step["hop"]["evidence"] = h ? h->evidence : st["hop"].value("evidence", nlohmann::json::object());
      }
      if (withEvidence) step["evidence"] = e ? e->evidence : st.value("evidence", nlohmann::json::object());
      steps.push_back(std::move(step));
    }
  nlohmann::json faults = nlohmann::json::array();
  if (row.faults.is_array())
    for (const auto &f : row.faults)
      faults.push_back({{"site", siteJson(f.value("site", ""), sites)},
                        {"context", siteJson(f.value("context", ""), sites)},
                        {"delay", f.value("delay", false)}});
  nlohmann::json alternatives = nlohmann::json::array();
  for (const StoredChainRow &c : others)
    alternatives.push_back({{"canonical", c.canonical}, {"verdict", c.verdict}, {"edges", c.edges}});
  nlohmann::json out = {{"id", row.faultCycleId},
                        {"rank", row.rank},
                        {"faults", faults},
                        {"length", row.length},
                        {"delays", row.delays},
                        {"verdict", row.verdict},
                        {"n_tests", row.tests},
                        {"inferred_steps", ev.is_object() ? ev.value("inferred_steps", 0) : 0},
                        {"tests", ev.is_object() ? ev.value("tests", nlohmann::json::array()) : nlohmann::json::array()},
                        {"chains", row.alternatives + 1},
                        {"representative_chain", {{"canonical", row.canonical}, {"edges", row.edges}}},
                        {"alternatives", alternatives},
                        {"composite_of", ev.is_object() ? ev.value("composite_of", nlohmann::json::array())
                                                        : nlohmann::json::array()},
                        {"variant_of", ev.is_object() ? ev.value("variant_of", std::string()) : std::string()},
                        {"steps", steps}};
  if (withEvidence && ev.is_object() && ev.contains("rejected_junctions"))
    out["rejected_junctions"] = ev["rejected_junctions"];
  return out;
}

StepEdges stepEdges(CampaignDb &db, bool withSupports) {
  StepEdges e;
  for (EdgeRow &row : storedEdges(db, withSupports)) e.byId.emplace(row.id, std::move(row));
  return e;
}

}  // namespace

nlohmann::json readCycles(CampaignDb &db, bool includeRejected) {
  auto sites = loadSiteInfos(db);
  StepEdges edges = stepEdges(db, false);
  auto others = storedAlternativeChains(db);
  nlohmann::json out = nlohmann::json::array();
  for (const StoredCycleRow &row : storedCycles(db)) {
    if (!includeRejected) {
      if (row.verdict == "rejected") continue;
      if (row.evidence.is_object() && !row.evidence.value("composite_of", nlohmann::json::array()).empty()) continue;
      if (row.evidence.is_object() && !row.evidence.value("variant_of", std::string()).empty()) continue;
    }
    out.push_back(cycleJson(row, sites, edges, others[row.id], false));
  }
  return out;
}

nlohmann::json readCycle(CampaignDb &db, const std::string &faultCycleId) {
  auto sites = loadSiteInfos(db);
  for (const StoredCycleRow &row : storedCycles(db))
    if (row.faultCycleId == faultCycleId) {
      StepEdges edges = stepEdges(db, true);
      return cycleJson(row, sites, edges, storedAlternativeChains(db)[row.id], true);
    }
  return nullptr;
}

}  // namespace csnake::analyzer
