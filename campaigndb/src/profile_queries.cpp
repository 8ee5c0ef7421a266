#include "csnake/campaigndb/profile_queries.h"

#include <string>

#include "csnake/common/site_id.h"
#include "sqlite.h"

namespace csnake {

std::vector<ProfileFaultReach> profileFaultReaches(CampaignDb &db) {
  std::vector<ProfileFaultReach> out;
  Statement q = db.sql().prepare(
      "SELECT e.test_id, ev.site, ev.context, COUNT(DISTINCT r.id), SUM(ev.reached) FROM run_events ev "
      "JOIN runs r ON r.id = ev.run_id JOIN experiments e ON e.id = r.experiment_id "
      "WHERE e.kind = 'profile' AND r.state = 'done' AND ev.reached > 0 GROUP BY e.test_id, ev.site, ev.context");
  while (q.step())
    out.push_back({q.getInt(0), q.getSiteId(1), q.getSiteId(2), static_cast<int>(q.getInt(3)),
                   static_cast<uint64_t>(q.getInt(4))});
  return out;
}

std::vector<ProfileLoopIterations> profileLoopIterations(CampaignDb &db) {
  std::vector<ProfileLoopIterations> out;
  Statement q = db.sql().prepare(
      "SELECT e.test_id, l.loop, COUNT(DISTINCT r.id), SUM(l.iterations) FROM run_loops l "
      "JOIN runs r ON r.id = l.run_id JOIN experiments e ON e.id = r.experiment_id "
      "WHERE e.kind = 'profile' AND r.state = 'done' AND l.iterations > 0 GROUP BY e.test_id, l.loop");
  while (q.step())
    out.push_back({q.getInt(0), q.getSiteId(1), static_cast<int>(q.getInt(2)), static_cast<uint64_t>(q.getInt(3))});
  return out;
}

std::vector<ProfileLoopSignature> profileLoopSignatures(CampaignDb &db) {
  std::vector<ProfileLoopSignature> out;
  Statement q = db.sql().prepare(
      "SELECT DISTINCT e.test_id, p.loop, p.signature FROM run_paths p JOIN runs r ON r.id = p.run_id "
      "JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = 'profile' AND r.state = 'done'");
  while (q.step()) out.push_back({q.getInt(0), q.getSiteId(1), q.getSiteId(2)});
  return out;
}

std::vector<int64_t> profileOpportunitiesPerRun(CampaignDb &db, int64_t testId, uint64_t fault, uint64_t context,
                                                bool delayFault) {
  std::string perRun =
      delayFault ? "(SELECT SUM(l.invocations) FROM run_loops l WHERE l.run_id = r.id AND l.loop = ?1)"
                 : "(SELECT MAX(n) FROM (SELECT SUM(CASE WHEN ev.reached_in_one_process >= 0 THEN "
                   "ev.reached_in_one_process ELSE ev.reached END) AS n FROM run_events ev WHERE ev.run_id = r.id AND "
                   "ev.site = ?1 AND (?2 = '' OR ev.context = ?2) GROUP BY ev.node))";
  Statement q = db.sql().prepare("SELECT COALESCE(" + perRun +
                                 ", 0) FROM runs r JOIN experiments e ON e.id = r.experiment_id "
                                 "WHERE e.kind = 'profile' AND e.test_id = ?3 AND r.state = 'done'");
  q.bind(1, formatSiteId(fault)).bind(2, context ? formatSiteId(context) : "").bind(3, testId);
  std::vector<int64_t> out;
  while (q.step()) out.push_back(q.getInt(0));
  return out;
}

int64_t profileFaultsReached(CampaignDb &db) {
  Statement q = db.sql().prepare(
      "SELECT COUNT(*) FROM (SELECT DISTINCT ev.site, ev.context FROM run_events ev JOIN runs r ON r.id = ev.run_id "
      "JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = 'profile' AND ev.reached > 0)");
  return q.step() ? q.getInt(0) : 0;
}

}  // namespace csnake
