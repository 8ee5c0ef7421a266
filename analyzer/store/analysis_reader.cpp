#include "store/analysis_reader.h"

#include <map>
#include <stdexcept>

#include "db/schema.h"
#include "store/analysis_store.h"

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

void requireAnalysis(Database &db) {
  Statement runs = db.prepare("SELECT COUNT(*) FROM runs");
  runs.step();
  if (runs.getInt(0) == 0) throw std::runtime_error(db.path() + ": no runs (run 'csnake campaign' first)");
  bool analysed = false;
  if (schemaVersion(db) >= 2) {
    Statement q = db.prepare("SELECT COUNT(*) FROM meta WHERE key = 'analysis'");
    q.step();
    analysed = q.getInt(0) > 0;
  }
  if (!analysed) throw std::runtime_error(db.path() + ": not analysed yet (run 'csnake analyze --db " + db.path() + "')");
}

nlohmann::json readEdges(Database &db) {
  auto sites = loadSites(db);
  nlohmann::json out = nlohmann::json::array();
  Statement q = db.prepare("SELECT id, cause, cause_context, effect, type, tests, evidence FROM edges ORDER BY id");
  while (q.step()) {
    nlohmann::json ev = nlohmann::json::parse(q.getText(6), nullptr, false);
    nlohmann::json e = {{"id", q.getInt(0)},
                        {"cause", siteJson(q.getText(1), sites)},
                        {"cause_context", siteJson(q.getText(2), sites)},
                        {"effect", siteJson(q.getText(3), sites)},
                        {"type", q.getText(4)},
                        {"n_tests", q.getInt(5)},
                        {"tests", ev.is_object() ? ev.value("tests", nlohmann::json::array()) : nlohmann::json::array()},
                        {"experiments", ev.is_object() ? ev.value("experiments", nlohmann::json::array()) : nlohmann::json::array()},
                        {"evidence", ev}};
    out.push_back(std::move(e));
  }
  return out;
}

nlohmann::json readCycles(Database &db, bool includeRejected) {
  auto sites = loadSites(db);
  nlohmann::json out = nlohmann::json::array();
  Statement q = db.prepare(
      "SELECT id, rank, canonical, length, delays, edges, verdict, tests, alternatives, evidence FROM cycles "
      "ORDER BY rank");
  while (q.step()) {
    std::string verdict = q.getText(6);
    if (verdict == "rejected" && !includeRejected) continue;
    nlohmann::json ev = nlohmann::json::parse(q.getText(9), nullptr, false);
    nlohmann::json steps = nlohmann::json::array();
    if (ev.is_object())
      for (const auto &st : ev.value("steps", nlohmann::json::array())) {
        nlohmann::json step = {{"edge", st.value("edge", 0)},
                               {"type", st.value("type", "")},
                               {"cause", siteJson(st.value("cause", ""), sites)},
                               {"cause_context", siteJson(st.value("cause_context", ""), sites)},
                               {"effect", siteJson(st.value("effect", ""), sites)},
                               {"next_fault", siteJson(st.value("next_fault", ""), sites)},
                               {"tests", st.contains("evidence") ? st["evidence"].value("tests", nlohmann::json::array())
                                                                 : nlohmann::json::array()},
                               {"next_fault_observed", st.value("next_fault_observed", true)},
                               {"junction", st.value("junction_check", nlohmann::json::object())}};
        if (st.contains("hop"))
          step["hop"] = {{"edge", st["hop"].value("edge", 0)},
                         {"child", siteJson(st["hop"].value("child", ""), sites)},
                         {"parent", siteJson(st["hop"].value("parent", ""), sites)}};
        steps.push_back(std::move(step));
      }
    out.push_back({{"id", q.getInt(0)},
                   {"rank", q.getInt(1)},
                   {"canonical", q.getText(2)},
                   {"length", q.getInt(3)},
                   {"delays", q.getInt(4)},
                   {"edges", nlohmann::json::parse(q.getText(5), nullptr, false)},
                   {"verdict", verdict},
                   {"n_tests", q.getInt(7)},
                   {"inferred_steps", ev.is_object() ? ev.value("inferred_steps", 0) : 0},
                   {"tests", ev.is_object() ? ev.value("tests", nlohmann::json::array()) : nlohmann::json::array()},
                   {"alternatives", ev.is_object() ? ev.value("alternatives", nlohmann::json::array()) : nlohmann::json::array()},
                   {"steps", steps}});
  }
  return out;
}

}  // namespace csnake::analyzer
