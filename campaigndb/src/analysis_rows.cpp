#include "csnake/campaigndb/analysis_rows.h"

#include <map>

#include "sqlite.h"

namespace csnake {

namespace {

void insertEffects(Database &db, const std::vector<EffectRow> &effects) {
  Statement ix = db.prepare(
      "INSERT INTO effects(experiment_id, type, site, callsig, evidence, rule, edge_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const EffectRow &f : effects) {
    ix.bind(1, f.experimentId).bind(2, f.type).bind(3, f.site).bind(4, f.callsig);
    ix.bind(5, f.evidence.dump()).bind(6, f.rule);
    if (f.edgeId > 0)
      ix.bind(7, f.edgeId);
    else
      ix.bindNull(7);
    ix.run();
  }
}

void upsertFcaInputs(Database &db, const std::map<int64_t, std::string> &inputs) {
  Statement q = db.prepare(
      "INSERT INTO fca_inputs(experiment_id, inputs) VALUES (?, ?) "
      "ON CONFLICT(experiment_id) DO UPDATE SET inputs = excluded.inputs");
  for (const auto &[id, text] : inputs) q.bind(1, id).bind(2, text).run();
}

// After an analysis replaced its outputs: the pages the old ones held go back to the
// file system (databases created or migrated since schema 6 use incremental
// auto-vacuum; in others this is a no-op and the pages are reused by later writes).
void releaseFreePages(Database &db) {
  try {
    db.exec("PRAGMA incremental_vacuum");
  } catch (const DbError &) {
    // Not an error of the analysis: the pages stay free and are reused.
  }
}

void setSummary(Database &db, const std::string &summaryJson) {
  db.prepare(
        "INSERT INTO meta(key, value) VALUES ('analysis', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, summaryJson)
      .run();
}

}  // namespace

void replaceEffectsOf(CampaignDb &cdb, const std::vector<int64_t> &experiments, const AnalysisRows &rows) {
  Database &db = cdb.sql();
  Transaction tx(db);
  // Edges and cycles were built from every effect: they are stale now, and the next full
  // analysis rebuilds them.
  for (const char *t : {"chains", "cycles", "edges"}) db.exec(std::string("DELETE FROM ") + t);
  db.exec("UPDATE effects SET edge_id = NULL WHERE edge_id IS NOT NULL");
  Statement del = db.prepare("DELETE FROM effects WHERE experiment_id = ?");
  for (int64_t id : experiments) del.bind(1, id).run();
  insertEffects(db, rows.effects);
  upsertFcaInputs(db, rows.fcaInputs);
  setSummary(db, rows.summaryJson);
  tx.commit();
  releaseFreePages(db);
}

void replaceAnalysis(CampaignDb &cdb, const AnalysisRows &rows) {
  Database &db = cdb.sql();
  Transaction tx(db);
  for (const char *t : {"chains", "cycles", "effects", "edges", "fca_inputs"})
    db.exec(std::string("DELETE FROM ") + t);
  Statement ie = db.prepare(
      "INSERT INTO edges(id, cause, cause_context, effect, type, evidence, tests) VALUES (?, ?, ?, ?, ?, ?, ?)");
  // An edge's supports are its effects rows (edge_id): stored there once, not again in
  // the edge's evidence (storedEdges puts them back).
  for (const EdgeRow &e : rows.edges) {
    nlohmann::json ev = e.evidence;
    if (ev.is_object()) ev.erase("supports");
    ie.bind(1, e.id).bind(2, e.cause).bind(3, e.causeContext).bind(4, e.effect).bind(5, e.type);
    ie.bind(6, ev.dump()).bind(7, e.tests).run();
  }
  insertEffects(db, rows.effects);
  upsertFcaInputs(db, rows.fcaInputs);
  Statement ic = db.prepare(
      "INSERT INTO cycles(canonical, length, delays, edges, verdict, evidence, tests, alternatives, "
      "rank, fault_cycle_id, faults) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement ih = db.prepare(
      "INSERT INTO chains(cycle_id, canonical, representative, length, delays, edges, verdict, tests, evidence) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const CycleRow &c : rows.cycles) {
    ic.bind(1, c.canonical).bind(2, c.length).bind(3, c.delays).bind(4, nlohmann::json(c.edges).dump());
    ic.bind(5, c.verdict).bind(6, c.evidence.dump()).bind(7, c.tests);
    ic.bind(8, c.alternatives).bind(9, c.rank).bind(10, c.faultCycleId);
    ic.bind(11, c.faults.dump()).run();
    int64_t cycleId = db.lastInsertId();
    for (const ChainRow &h : c.chains) {
      ih.bind(1, cycleId).bind(2, h.canonical).bind(3, h.representative ? 1 : 0).bind(4, h.length).bind(5, h.delays);
      ih.bind(6, nlohmann::json(h.edges).dump()).bind(7, h.verdict).bind(8, h.tests);
      ih.bind(9, h.evidence.dump()).run();
    }
  }
  setSummary(db, rows.summaryJson);
  tx.commit();
  releaseFreePages(db);
}

bool hasAnalysis(CampaignDb &cdb) {
  // Fault cycles came with schema 4; an older database holds no analysis of today's kind
  // (migration 4 drops it when the database is opened for writing).
  if (cdb.schemaVersion() < 4) return false;
  Statement q = cdb.sql().prepare("SELECT COUNT(*) FROM meta WHERE key = 'analysis'");
  return q.step() && q.getInt(0) > 0;
}

int64_t countRunsTotal(CampaignDb &cdb) {
  Statement q = cdb.sql().prepare("SELECT COUNT(*) FROM runs");
  return q.step() ? q.getInt(0) : 0;
}

std::vector<EdgeRow> storedEdges(CampaignDb &cdb, bool withSupports) {
  std::vector<EdgeRow> out;
  Statement q =
      cdb.sql().prepare("SELECT id, cause, cause_context, effect, type, tests, evidence FROM edges ORDER BY id");
  while (q.step()) {
    EdgeRow e;
    e.id = q.getInt(0);
    e.cause = q.getText(1);
    e.causeContext = q.getText(2);
    e.effect = q.getText(3);
    e.type = q.getText(4);
    e.tests = q.getInt(5);
    e.evidence = nlohmann::json::parse(q.getText(6), nullptr, false);
    if (e.evidence.is_object() && withSupports) e.evidence["supports"] = nlohmann::json::array();
    out.push_back(std::move(e));
  }
  if (!withSupports) return out;
  std::map<int64_t, size_t> byId;
  for (size_t i = 0; i < out.size(); ++i) byId[out[i].id] = i;
  Statement f = cdb.sql().prepare("SELECT edge_id, evidence FROM effects WHERE edge_id > 0 ORDER BY id");
  while (f.step()) {
    auto it = byId.find(f.getInt(0));
    if (it == byId.end()) continue;
    nlohmann::json &ev = out[it->second].evidence;
    if (ev.is_object()) ev["supports"].push_back(nlohmann::json::parse(f.getText(1), nullptr, false));
  }
  return out;
}

std::vector<StoredCycleRow> storedCycles(CampaignDb &cdb) {
  std::vector<StoredCycleRow> out;
  Statement q = cdb.sql().prepare(
      "SELECT id, rank, canonical, length, delays, edges, verdict, tests, alternatives, evidence, fault_cycle_id, "
      "faults FROM cycles ORDER BY rank");
  while (q.step()) {
    StoredCycleRow c;
    c.id = q.getInt(0);
    c.rank = q.getInt(1);
    c.canonical = q.getText(2);
    c.length = q.getInt(3);
    c.delays = q.getInt(4);
    c.edges = nlohmann::json::parse(q.getText(5), nullptr, false);
    c.verdict = q.getText(6);
    c.tests = q.getInt(7);
    c.alternatives = q.getInt(8);
    c.evidence = nlohmann::json::parse(q.getText(9), nullptr, false);
    c.faultCycleId = q.getText(10);
    c.faults = nlohmann::json::parse(q.getText(11), nullptr, false);
    out.push_back(std::move(c));
  }
  return out;
}

std::map<int64_t, std::vector<StoredChainRow>> storedAlternativeChains(CampaignDb &cdb) {
  std::map<int64_t, std::vector<StoredChainRow>> out;
  Statement q =
      cdb.sql().prepare("SELECT cycle_id, canonical, verdict, edges FROM chains WHERE representative = 0 ORDER BY id");
  while (q.step())
    out[q.getInt(0)].push_back({q.getText(1), q.getText(2), nlohmann::json::parse(q.getText(3), nullptr, false)});
  return out;
}

}  // namespace csnake
