#include "csnake/campaigndb/experiment_queries.h"

#include "csnake/common/site_id.h"
#include "sqlite.h"

namespace csnake {

std::vector<InjectionExperimentRow> injectionExperiments(CampaignDb &db) {
  std::vector<InjectionExperimentRow> out;
  // Databases older than schema 3 (a read-only open does not migrate them) have no skip.
  std::string skipColumn = db.schemaVersion() >= 3 ? "skip" : "0";
  Statement q = db.sql().prepare("SELECT id, test_id, fault, context, delay_ms, mode, errno_name, " + skipColumn +
                                 ", allocator, phase FROM experiments WHERE kind = 'injection' ORDER BY id");
  while (q.step()) {
    InjectionExperimentRow r;
    r.id = q.getInt(0);
    r.testId = q.getInt(1);
    r.fault = q.getSiteId(2);
    r.context = q.getSiteId(3);
    r.delayMs = static_cast<int>(q.getInt(4));
    r.mode = q.getText(5);
    r.errnoName = q.getText(6);
    r.skip = q.getInt(7);
    r.allocator = q.getText(8);
    r.phase = q.getText(9);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<EffectTokenRow> effectTokens(CampaignDb &db) {
  std::vector<EffectTokenRow> out;
  Statement q = db.sql().prepare("SELECT experiment_id, type, site FROM effects");
  while (q.step()) out.push_back({q.getInt(0), q.getText(1), q.getText(2)});
  return out;
}

std::vector<PlanEntry> planEntries(CampaignDb &db, const std::string &phase) {
  // Databases older than schema 3 (a read-only open does not migrate them) have no skip.
  std::string skipColumn = db.schemaVersion() >= 3 ? "e.skip" : "0";
  Statement q = db.sql().prepare(
      "SELECT e.id, e.allocator, e.phase, e.fault, e.context, e.mode, e.delay_ms, e.errno_name, e.reason, e.score, "
      "t.name, COALESCE(s.kind, ''), COALESCE(s.file, ''), COALESCE(s.line, 0), COALESCE(s.function, ''), "
      "(SELECT group_concat(state, ',') FROM (SELECT state FROM runs WHERE experiment_id = e.id ORDER BY repeat)), " +
      skipColumn +
      " FROM experiments e JOIN tests t ON t.id = e.test_id LEFT JOIN sites s ON s.id = e.fault "
      "WHERE e.kind = 'injection' AND (? = '' OR e.phase = ?) ORDER BY e.id");
  q.bind(1, phase).bind(2, phase);
  std::vector<PlanEntry> out;
  while (q.step()) {
    PlanEntry e;
    e.experiment = q.getInt(0);
    e.allocator = q.getText(1);
    e.phase = q.getText(2);
    e.fault = q.getText(3);
    e.context = q.getText(4);
    e.mode = q.getText(5);
    e.delayMs = q.getInt(6);
    e.errnoName = q.getText(7);
    e.reason = q.getText(8);
    e.score = q.getDouble(9);
    e.test = q.getText(10);
    e.faultKind = q.getText(11);
    e.faultFile = q.getText(12);
    e.faultLine = q.getInt(13);
    e.faultFunction = q.getText(14);
    e.runStates = q.getText(15);
    e.skip = q.getInt(16);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace csnake
