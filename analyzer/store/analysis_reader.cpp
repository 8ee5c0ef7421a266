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

// A step's tests: stored with the step since schema 5's analysis, inside its embedded
// evidence before.
nlohmann::json stepTests(const nlohmann::json &st) {
  if (st.contains("tests")) return st["tests"];
  if (st.contains("evidence")) return st["evidence"].value("tests", nlohmann::json::array());
  return nlohmann::json::array();
}

// The evidence of edge `id` (withEvidence: every edge by id), or the step's embedded copy
// of an older analysis.
nlohmann::json edgeEvidence(const nlohmann::json &st, const std::map<int64_t, nlohmann::json> *edges) {
  if (edges) {
    auto it = edges->find(st.value("edge", int64_t(0)));
    if (it != edges->end()) return it->second;
  }
  return st.value("evidence", nlohmann::json::object());
}

nlohmann::json cycleJson(const StoredCycleRow &row, const std::map<SiteRef, SiteInfo> &sites,
                         const std::map<int64_t, nlohmann::json> *edges) {
  bool withEvidence = edges != nullptr;
  const nlohmann::json &ev = row.evidence;
  nlohmann::json steps = nlohmann::json::array();
  if (ev.is_object())
    for (const auto &st : ev.value("steps", nlohmann::json::array())) {
      nlohmann::json step = {
          {"edge", st.value("edge", 0)},
          {"type", st.value("type", "")},
          {"cause", siteJson(st.value("cause", ""), sites)},
          {"cause_context", siteJson(st.value("cause_context", ""), sites)},
          {"effect", siteJson(st.value("effect", ""), sites)},
          {"next_fault", siteJson(st.value("next_fault", ""), sites)},
          {"tests", stepTests(st)},
          {"next_fault_observed", st.value("next_fault_observed", true)},
          {"junction", st.value("junction_check", nlohmann::json::object())}};
      if (st.contains("hop"))
        step["hop"] = {{"edge", st["hop"].value("edge", 0)},
                       {"child", siteJson(st["hop"].value("child", ""), sites)},
                       {"parent", siteJson(st["hop"].value("parent", ""), sites)}};
      if (withEvidence) {
        step["evidence"] = edgeEvidence(st, edges);
        if (st.contains("hop")) step["hop"]["evidence"] = edgeEvidence(st["hop"], edges);
      }
      steps.push_back(std::move(step));
    }
  nlohmann::json faults = nlohmann::json::array();
  if (row.faults.is_array())
    for (const auto &f : row.faults)
      faults.push_back({{"site", siteJson(f.value("site", ""), sites)},
                        {"context", siteJson(f.value("context", ""), sites)},
                        {"delay", f.value("delay", false)}});
  nlohmann::json alternatives =
      ev.is_object() ? ev.value("alternatives", nlohmann::json::array()) : nlohmann::json::array();
  nlohmann::json out = {{"id", row.faultCycleId},
                        {"rank", row.rank},
                        {"faults", faults},
                        {"length", row.length},
                        {"delays", row.delays},
                        {"verdict", row.verdict},
                        {"n_tests", row.tests},
                        {"inferred_steps", ev.is_object() ? ev.value("inferred_steps", 0) : 0},
                        {"tests", ev.is_object() ? ev.value("tests", nlohmann::json::array()) : nlohmann::json::array()},
                        {"chains", alternatives.size() + 1},
                        {"representative_chain", {{"canonical", row.canonical}, {"edges", row.edges}}},
                        {"alternatives", alternatives},
                        {"composite_of", ev.is_object() ? ev.value("composite_of", nlohmann::json::array())
                                                        : nlohmann::json::array()},
                        {"steps", steps}};
  if (withEvidence && ev.is_object() && ev.contains("rejected_junctions"))
    out["rejected_junctions"] = ev["rejected_junctions"];
  return out;
}

}  // namespace

nlohmann::json readCycles(CampaignDb &db, bool includeRejected) {
  auto sites = loadSiteInfos(db);
  nlohmann::json out = nlohmann::json::array();
  for (const StoredCycleRow &row : storedCycles(db)) {
    if (!includeRejected) {
      if (row.verdict == "rejected") continue;
      if (row.evidence.is_object() && !row.evidence.value("composite_of", nlohmann::json::array()).empty()) continue;
    }
    out.push_back(cycleJson(row, sites, nullptr));
  }
  return out;
}

nlohmann::json readCycle(CampaignDb &db, const std::string &faultCycleId) {
  auto sites = loadSiteInfos(db);
  for (const StoredCycleRow &row : storedCycles(db))
    if (row.faultCycleId == faultCycleId) {
      std::map<int64_t, nlohmann::json> edges;
      for (EdgeRow &e : storedEdges(db)) edges.emplace(e.id, std::move(e.evidence));
      return cycleJson(row, sites, &edges);
    }
  return nullptr;
}

}  // namespace csnake::analyzer
