#include "csnake/campaigndb/campaign_reader.h"

#include <nlohmann/json.hpp>

#include "sqlite.h"

namespace csnake {

bool isZeroSite(const SiteRef &s) {
  if (s.empty()) return true;
  size_t i = (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;
  for (; i < s.size(); ++i)
    if (s[i] != '0') return false;
  return true;
}

std::map<SiteRef, SiteInfo> loadSiteInfos(CampaignDb &cdb) {
  std::map<SiteRef, SiteInfo> out;
  Statement q =
      cdb.sql().prepare("SELECT id, kind, file, line, function, flags, COALESCE(parent_loop, ''), detail FROM sites");
  while (q.step()) {
    SiteInfo s;
    s.id = q.getText(0);
    s.kind = q.getText(1);
    s.file = q.getText(2);
    s.line = q.getInt(3);
    s.function = q.getText(4);
    s.flags = static_cast<uint32_t>(q.getInt(5));
    s.parentLoop = q.getText(6);
    s.detail = q.getText(7);
    out.emplace(s.id, std::move(s));
  }
  return out;
}

std::map<int64_t, std::string> loadTestNames(CampaignDb &cdb) {
  std::map<int64_t, std::string> out;
  Statement q = cdb.sql().prepare("SELECT id, name FROM tests");
  while (q.step()) out[q.getInt(0)] = q.getText(1);
  return out;
}

CampaignData loadCampaign(CampaignDb &cdb) {
  Database &db = cdb.sql();
  CampaignData d;
  d.sites = loadSiteInfos(cdb);
  d.testNames = loadTestNames(cdb);
  std::map<int64_t, size_t> expIndex;
  {
    Statement q = db.prepare("SELECT id, kind, test_id, fault, context, mode, delay_ms FROM experiments ORDER BY id");
    while (q.step()) {
      ExperimentData e;
      e.id = q.getInt(0);
      e.kind = parseExperimentKind(q.getText(1)).value_or(ExperimentKind::Profile);
      e.testId = q.getInt(2);
      e.fault = q.getText(3);
      e.context = q.getText(4);
      e.mode = q.getText(5);
      e.delayMs = static_cast<int>(q.getInt(6));
      auto t = d.testNames.find(e.testId);
      e.testName = t == d.testNames.end() ? std::to_string(e.testId) : t->second;
      expIndex[e.id] = d.experiments.size();
      d.experiments.push_back(std::move(e));
    }
  }
  std::map<int64_t, RunData *> runs;
  {
    Statement q = db.prepare(
        "SELECT r.id, r.experiment_id, r.repeat, r.state, c.run_id IS NOT NULL, COALESCE(c.fired, 0), "
        "COALESCE(r.wall_ms, 0) "
        "FROM runs r LEFT JOIN run_receipts c ON c.run_id = r.id ORDER BY r.experiment_id, r.repeat");
    while (q.step()) {
      auto it = expIndex.find(q.getInt(1));
      if (it == expIndex.end()) continue;
      RunData r;
      r.id = q.getInt(0);
      r.repeat = static_cast<int>(q.getInt(2));
      r.state = parseRunState(q.getText(3)).value_or(RunState::Failed);
      r.hasSummary = q.getInt(4) != 0;
      r.fired = q.getInt(5) != 0;
      r.wallMs = q.getInt(6);
      d.experiments[it->second].runs.push_back(std::move(r));
    }
    for (ExperimentData &e : d.experiments)
      for (RunData &r : e.runs) runs[r.id] = &r;
  }
  {
    Statement q = db.prepare(
        "SELECT run_id, site, context, SUM(reached), SUM(occurred), SUM(injected) FROM run_events GROUP BY run_id, "
        "site, context");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      if (it == runs.end()) continue;
      EventData &e = it->second->events[{q.getText(1), q.getText(2)}];
      e.reached = static_cast<uint64_t>(q.getInt(3));
      e.occurred = static_cast<uint64_t>(q.getInt(4));
      e.injected = static_cast<uint64_t>(q.getInt(5));
    }
  }
  {
    Statement q =
        db.prepare("SELECT run_id, loop, callsig, parent_loop, invocations, iterations, histogram FROM run_loops");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      if (it == runs.end()) continue;
      LoopData &l = it->second->loops[{q.getText(1), q.getText(2)}];
      l.parent = q.getText(3);
      l.invocations = static_cast<uint64_t>(q.getInt(4));
      l.iterations = static_cast<uint64_t>(q.getInt(5));
      nlohmann::json h = nlohmann::json::parse(q.getText(6), nullptr, false);
      if (h.is_array())
        for (const auto &b : h)
          if (b.is_array() && b.size() == 2) l.histogram[b[0].get<uint64_t>()] += b[1].get<uint64_t>();
    }
  }
  {
    Statement q = db.prepare("SELECT run_id, loop, callsig, signature, count, decisions FROM run_paths");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      if (it == runs.end()) continue;
      PathData &p = it->second->paths[{q.getText(1), q.getText(2)}][q.getText(3)];
      p.count = static_cast<uint64_t>(q.getInt(4));
      nlohmann::json ds = nlohmann::json::parse(q.getText(5), nullptr, false);
      if (ds.is_array())
        for (const auto &x : ds)
          if (x.is_array() && x.size() == 2) p.decisions.push_back({x[0].get<std::string>(), x[1].get<uint32_t>()});
    }
  }
  return d;
}

}  // namespace csnake
