#include "campaign/profile_index.h"

namespace csnake {

ProfileIndex ProfileIndex::load(CampaignStore &store, const std::set<int64_t> &selected) {
  ProfileIndex idx;
  for (const StoredTest &t : store.tests())
    if (t.instrumented && !t.broken && (selected.empty() || selected.count(t.id))) idx.healthyTests.insert(t.id);
  Database &db = store.db();
  Statement ev = db.prepare(
      "SELECT e.test_id, ev.site, ev.context, COUNT(DISTINCT r.id), SUM(ev.reached) FROM run_events ev "
      "JOIN runs r ON r.id = ev.run_id JOIN experiments e ON e.id = r.experiment_id "
      "WHERE e.kind = 'profile' AND r.state = 'done' AND ev.reached > 0 GROUP BY e.test_id, ev.site, ev.context");
  while (ev.step()) {
    int64_t test = ev.getInt(0);
    if (!idx.healthyTests.count(test)) continue;
    uint64_t site = 0, context = 0;
    parseSiteId(ev.getText(1), site);
    parseSiteId(ev.getText(2), context);
    idx.faults[{site, context}][test] = {static_cast<int>(ev.getInt(3)), static_cast<uint64_t>(ev.getInt(4))};
  }
  Statement lp = db.prepare(
      "SELECT e.test_id, l.loop, COUNT(DISTINCT r.id), SUM(l.iterations) FROM run_loops l "
      "JOIN runs r ON r.id = l.run_id JOIN experiments e ON e.id = r.experiment_id "
      "WHERE e.kind = 'profile' AND r.state = 'done' AND l.iterations > 0 GROUP BY e.test_id, l.loop");
  while (lp.step()) {
    int64_t test = lp.getInt(0);
    if (!idx.healthyTests.count(test)) continue;
    uint64_t loop = 0;
    parseSiteId(lp.getText(1), loop);
    idx.loops[loop][test] = {static_cast<int>(lp.getInt(2)), static_cast<uint64_t>(lp.getInt(3))};
  }
  Statement ps = db.prepare(
      "SELECT DISTINCT e.test_id, p.loop, p.signature FROM run_paths p JOIN runs r ON r.id = p.run_id "
      "JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = 'profile' AND r.state = 'done'");
  while (ps.step()) {
    int64_t test = ps.getInt(0);
    if (!idx.healthyTests.count(test)) continue;
    uint64_t loop = 0, sig = 0;
    parseSiteId(ps.getText(1), loop);
    parseSiteId(ps.getText(2), sig);
    idx.loopSignatures[loop][test].insert(sig);
  }
  return idx;
}

}  // namespace csnake
