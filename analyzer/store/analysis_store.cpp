#include "store/analysis_store.h"

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "analysis.h"

namespace csnake::analyzer {

std::map<SiteRef, SiteInfo> loadSites(Database &db) {
  std::map<SiteRef, SiteInfo> out;
  Statement q = db.prepare("SELECT id, kind, file, line, function, flags, COALESCE(parent_loop, ''), detail FROM sites");
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

std::map<int64_t, std::string> loadTestNames(Database &db) {
  std::map<int64_t, std::string> out;
  Statement q = db.prepare("SELECT id, name FROM tests");
  while (q.step()) out[q.getInt(0)] = q.getText(1);
  return out;
}

CampaignData loadCampaign(Database &db) {
  CampaignData d;
  d.sites = loadSites(db);
  d.testNames = loadTestNames(db);
  std::map<int64_t, size_t> expIndex;
  {
    Statement q = db.prepare("SELECT id, kind, test_id, fault, context, mode, delay_ms FROM experiments ORDER BY id");
    while (q.step()) {
      ExperimentData e;
      e.id = q.getInt(0);
      e.kind = q.getText(1);
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
        "SELECT r.id, r.experiment_id, r.repeat, r.state, c.run_id IS NOT NULL, COALESCE(c.fired, 0) "
        "FROM runs r LEFT JOIN run_receipts c ON c.run_id = r.id ORDER BY r.experiment_id, r.repeat");
    while (q.step()) {
      auto it = expIndex.find(q.getInt(1));
      if (it == expIndex.end()) continue;
      RunData r;
      r.id = q.getInt(0);
      r.repeat = static_cast<int>(q.getInt(2));
      r.state = q.getText(3);
      r.hasSummary = q.getInt(4) != 0;
      r.fired = q.getInt(5) != 0;
      d.experiments[it->second].runs.push_back(std::move(r));
    }
    for (ExperimentData &e : d.experiments)
      for (RunData &r : e.runs) runs[r.id] = &r;
  }
  {
    Statement q = db.prepare(
        "SELECT run_id, site, context, SUM(reached), SUM(occurred), SUM(injected) FROM run_events GROUP BY run_id, site, context");
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
    Statement q = db.prepare("SELECT run_id, loop, callsig, parent_loop, invocations, iterations, histogram FROM run_loops");
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

void writeAnalysis(Database &db, const AnalysisOutputs &out) {
  Transaction tx(db);
  for (const char *t : {"chains", "cycles", "effects", "edges"}) db.exec(std::string("DELETE FROM ") + t);
  Statement ie = db.prepare(
      "INSERT INTO edges(id, cause, cause_context, effect, type, evidence, tests) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const CausalEdge &e : *out.edges) {
    ie.bind(1, e.id).bind(2, e.cause).bind(3, e.causeContext).bind(4, e.effect).bind(5, effectTypeName(e.type));
    ie.bind(6, e.evidence(*out.effects, *out.data).dump()).bind(7, static_cast<int64_t>(e.tests.size())).run();
  }
  std::vector<int64_t> edgeOfEffect(out.effects->size(), 0);
  for (const CausalEdge &e : *out.edges)
    for (size_t i : e.effects) edgeOfEffect[i] = e.id;
  Statement ix = db.prepare(
      "INSERT INTO effects(experiment_id, type, site, callsig, evidence, rule, edge_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < out.effects->size(); ++i) {
    const Effect &f = (*out.effects)[i];
    ix.bind(1, f.experimentId).bind(2, effectTypeName(f.type)).bind(3, f.site).bind(4, f.callsig);
    ix.bind(5, f.evidence.dump()).bind(6, f.rule).bind(7, edgeOfEffect[i]).run();
  }
  Statement ic = db.prepare(
      "INSERT INTO cycles(canonical, length, delays, edges, verdict, evidence, tests, collapse_key, alternatives, rank) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement ih = db.prepare(
      "INSERT INTO chains(cycle_id, canonical, representative, length, delays, edges, verdict, tests, evidence) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t cycleId = 0;
  const std::vector<StoredCycle> &cs = *out.cycles;
  for (size_t i = 0; i < cs.size(); ++i) {
    const StoredCycle &c = cs[i];
    if (c.representative) {
      int64_t members = 0;
      for (size_t k = i; k < cs.size() && cs[k].group == c.group; ++k) ++members;
      ic.bind(1, c.canonical).bind(2, c.length).bind(3, c.delays).bind(4, nlohmann::json(c.edgeIds).dump());
      ic.bind(5, c.verdict).bind(6, c.evidence.dump()).bind(7, static_cast<int64_t>(c.tests.size()));
      ic.bind(8, c.collapseKey).bind(9, members - 1).bind(10, c.group + 1).run();
      cycleId = db.lastInsertId();
    }
    ih.bind(1, cycleId).bind(2, c.canonical).bind(3, c.representative ? 1 : 0).bind(4, c.length).bind(5, c.delays);
    ih.bind(6, nlohmann::json(c.edgeIds).dump()).bind(7, c.verdict).bind(8, static_cast<int64_t>(c.tests.size()));
    ih.bind(9, c.representative ? nlohmann::json{{"representative", true}}.dump() : c.evidence.dump()).run();
  }
  db.prepare("INSERT INTO meta(key, value) VALUES ('analysis', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, out.summaryJson)
      .run();
  tx.commit();
}

}  // namespace csnake::analyzer
