#include "csnake/campaigndb/campaign_reader.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

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

namespace {

// The rows of one per-run table: one scan of the table, or, for a partial load, one
// primary-key range per loaded run (`select` must end with its FROM or WHERE clause).
class RunRows {
 public:
  RunRows(Database &db, const std::map<int64_t, RunData *> &runs, bool perRun, const std::string &select)
      : runs_(runs), perRun_(perRun), next_(runs.begin()),
        q_(db.prepare(perRun ? select + (select.find(" WHERE ") == std::string::npos ? " WHERE" : " AND") +
                                   " run_id = ?"
                             : select)) {}
  bool step() {
    if (!perRun_) return q_.step();
    for (;;) {
      if (started_ && q_.step()) return true;
      if (next_ == runs_.end()) return false;
      q_.reset();
      q_.bind(1, next_->first);
      ++next_;
      started_ = true;
    }
  }
  int64_t getInt(int col) const { return q_.getInt(col); }
  std::string getText(int col) const { return q_.getText(col); }

 private:
  const std::map<int64_t, RunData *> &runs_;
  bool perRun_, started_ = false;
  std::map<int64_t, RunData *>::const_iterator next_;
  Statement q_;
};

}  // namespace

CampaignData loadCampaign(CampaignDb &cdb, const std::set<int64_t> *only) {
  // Read-write opens migrate; an older database opened read-only cannot be read here.
  if (cdb.schemaVersion() < 5)
    throw DbError(cdb.path() + ": schema version " + std::to_string(cdb.schemaVersion()) +
                  " predates the trace dictionaries; open it writable once so csnake can upgrade it");
  Database &db = cdb.sql();
  CampaignData d;
  d.sites = loadSiteInfos(cdb);
  d.testNames = loadTestNames(cdb);
  std::map<int64_t, size_t> expIndex;
  {
    // A partial load takes the profile experiments of the selected experiments' tests too.
    std::set<int64_t> testsOfSelected;
    if (only) {
      Statement t = db.prepare("SELECT id, test_id FROM experiments");
      while (t.step())
        if (only->count(t.getInt(0))) testsOfSelected.insert(t.getInt(1));
    }
    Statement q = db.prepare("SELECT id, kind, test_id, fault, context, mode, delay_ms FROM experiments ORDER BY id");
    while (q.step()) {
      if (only && !only->count(q.getInt(0)) && !(q.getText(1) == "profile" && testsOfSelected.count(q.getInt(2))))
        continue;
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
  // Schema 5: per-run rows refer to dictionaries of keys, read once here (a path's
  // decisions are parsed once per distinct path, not once per run).
  {
    std::unordered_map<int64_t, EventKey> keys;
    Statement k = db.prepare("SELECT id, site, context FROM event_keys");
    while (k.step()) keys.emplace(k.getInt(0), EventKey{k.getText(1), k.getText(2)});
    // A site reached without a fault occurring or being injected is no fault event: the
    // analyzer never reads those rows (most of a run's), so they are not loaded.
    RunRows q(db, runs, only != nullptr,
              "SELECT run_id, event, reached, occurred, injected FROM run_event_counts WHERE (occurred > 0 OR "
              "injected > 0)");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      auto key = keys.find(q.getInt(1));
      if (it == runs.end() || key == keys.end()) continue;
      EventData &e = it->second->events[key->second];  // summed over call sites and nodes
      e.reached += static_cast<uint64_t>(q.getInt(2));
      e.occurred += static_cast<uint64_t>(q.getInt(3));
      e.injected += static_cast<uint64_t>(q.getInt(4));
    }
  }
  {
    struct Key {
      LoopKey loop;
      SiteRef parent;
    };
    std::unordered_map<int64_t, Key> keys;
    Statement k = db.prepare("SELECT id, loop, callsig, parent_loop FROM loop_keys");
    while (k.step()) keys.emplace(k.getInt(0), Key{{k.getText(1), k.getText(2)}, k.getText(3)});
    RunRows q(db, runs, only != nullptr, "SELECT run_id, loop, invocations, iterations, histogram FROM run_loop_counts");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      auto key = keys.find(q.getInt(1));
      if (it == runs.end() || key == keys.end()) continue;
      LoopData &l = it->second->loops[key->second.loop];
      l.parent = key->second.parent;
      l.invocations = static_cast<uint64_t>(q.getInt(2));
      l.iterations = static_cast<uint64_t>(q.getInt(3));
      nlohmann::json h = nlohmann::json::parse(q.getText(4), nullptr, false);
      if (h.is_array())
        for (const auto &b : h)
          if (b.is_array() && b.size() == 2) l.histogram[b[0].get<uint64_t>()] += b[1].get<uint64_t>();
    }
  }
  {
    struct Key {
      LoopKey loop;
      SiteRef signature;
      std::vector<Decision> decisions;
    };
    std::unordered_map<int64_t, Key> keys;
    Statement k = db.prepare("SELECT id, loop, callsig, signature, decisions FROM path_keys");
    while (k.step()) {
      Key key{{k.getText(1), k.getText(2)}, k.getText(3), {}};
      nlohmann::json ds = nlohmann::json::parse(k.getText(4), nullptr, false);
      if (ds.is_array())
        for (const auto &x : ds)
          if (x.is_array() && x.size() == 2) key.decisions.push_back({x[0].get<std::string>(), x[1].get<uint32_t>()});
      keys.emplace(k.getInt(0), std::move(key));
    }
    RunRows q(db, runs, only != nullptr, "SELECT run_id, path, count FROM run_path_counts");
    while (q.step()) {
      auto it = runs.find(q.getInt(0));
      auto key = keys.find(q.getInt(1));
      if (it == runs.end() || key == keys.end()) continue;
      PathData &p = it->second->paths[key->second.loop][key->second.signature];
      p.count = static_cast<uint64_t>(q.getInt(2));
      p.decisions = key->second.decisions;
    }
  }
  return d;
}

}  // namespace csnake
