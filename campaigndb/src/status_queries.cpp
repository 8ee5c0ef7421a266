#include "csnake/campaigndb/status_queries.h"

#include "csnake/campaigndb/profile_queries.h"
#include "sqlite.h"

namespace csnake {

namespace {

int64_t scalar(Database &db, const char *sql) {
  Statement q = db.prepare(sql);
  return q.step() ? q.getInt(0) : 0;
}

double scalarReal(Database &db, const char *sql) {
  Statement q = db.prepare(sql);
  return q.step() && !q.isNull(0) ? q.getDouble(0) : 0;
}

}  // namespace

CampaignStatus campaignStatus(CampaignDb &cdb) {
  Database &db = cdb.sql();
  CampaignStatus s;
  s.all = countRuns(cdb);
  s.profile = countRuns(cdb, ExperimentKind::Profile);
  s.injection = countRuns(cdb, ExperimentKind::Injection);
  s.experiments = scalar(db, "SELECT COUNT(*) FROM experiments");
  s.injectionExperiments = scalar(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection'");
  s.tests = scalar(db, "SELECT COUNT(*) FROM tests");
  s.flakyTests = scalar(db, "SELECT COUNT(*) FROM tests WHERE flaky = 1");
  s.failingTests = scalar(db, "SELECT COUNT(*) FROM tests WHERE broken = 1");
  s.sites = scalar(db, "SELECT COUNT(*) FROM sites");
  s.faultsReached = profileFaultsReached(cdb);
  s.firstStart = scalarReal(db, "SELECT MIN(started_at) FROM runs");
  s.lastActivity = scalarReal(db, "SELECT MAX(COALESCE(finished_at, started_at)) FROM runs");
  return s;
}

}  // namespace csnake
