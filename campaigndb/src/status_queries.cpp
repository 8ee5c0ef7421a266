#include "csnake/campaigndb/status_queries.h"

#include "csnake/campaigndb/profile_queries.h"
#include "sqlite.h"

namespace csnake {

CampaignStatus campaignStatus(CampaignDb &cdb) {
  Database &db = cdb.sql();
  CampaignStatus s;
  s.all = countRuns(cdb);
  s.profile = countRuns(cdb, ExperimentKind::Profile);
  s.injection = countRuns(cdb, ExperimentKind::Injection);
  s.experiments = db.queryInt("SELECT COUNT(*) FROM experiments");
  s.injectionExperiments = db.queryInt("SELECT COUNT(*) FROM experiments WHERE kind = 'injection'");
  s.tests = db.queryInt("SELECT COUNT(*) FROM tests");
  s.flakyTests = db.queryInt("SELECT COUNT(*) FROM tests WHERE flaky = 1");
  s.failingTests = db.queryInt("SELECT COUNT(*) FROM tests WHERE broken = 1");
  s.sites = db.queryInt("SELECT COUNT(*) FROM sites");
  s.faultsReached = profileFaultsReached(cdb);
  s.firstStart = db.queryReal("SELECT MIN(started_at) FROM runs");
  s.lastActivity = db.queryReal("SELECT MAX(COALESCE(finished_at, started_at)) FROM runs");
  return s;
}

}  // namespace csnake
