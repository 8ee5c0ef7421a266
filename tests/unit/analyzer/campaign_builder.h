// Hand-built campaign databases for the analyzer tests: rows are written through
// CampaignStore exactly as a campaign writes them (upsertTests, ensureExperiment,
// finishRun with a TraceSummary).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/campaign_store.h"
#include "csnake/common/site_id.h"
#include "csnake/trace_summary.h"
#include "store/analysis_store.h"

namespace csnake::testing {

inline std::string sid(uint64_t id) { return formatSiteId(id); }

struct Trace {
  TraceSummary s;
  explicit Trace(bool fired = true) {
    s.processes = 1;
    s.hasPlan = fired;
    s.armed = fired;
    s.fired = fired;
    s.fireCount = fired ? 1 : 0;
  }
  Trace &loop(uint64_t loop, uint64_t iterations, uint64_t parent = 0, std::map<uint64_t, uint64_t> hist = {},
              uint64_t callsig = 0xC5) {
    LoopSummary &l = s.loops[{loop, callsig}];
    l.parent = parent;
    l.iterations = iterations;
    l.invocations = 1;
    if (hist.empty() && iterations) hist = {{iterations, 1}};
    l.histogram = hist;
    l.invocations = 0;
    for (auto &kv : hist) l.invocations += kv.second;
    return *this;
  }
  Trace &path(uint64_t loop, uint64_t sig, std::vector<std::pair<uint64_t, uint32_t>> decisions, uint64_t count = 5,
              uint64_t callsig = 0xC5) {
    PathSummary &p = s.paths[{loop, callsig, sig}];
    p.count = count;
    p.decisions = std::move(decisions);
    return *this;
  }
  Trace &event(uint64_t site, uint64_t context, uint64_t occurred, uint64_t injected = 0, uint64_t callsig = 0xE5) {
    EventSummary &e = s.events[{site, context, callsig, ""}];
    e.reached = occurred;
    e.occurred = occurred;
    e.injected = injected;
    return *this;
  }
};

struct RunSpec {
  RunState state = RunState::Done;
  Trace trace;
  bool withSummary = true;
  RunSpec(Trace t) : trace(std::move(t)) {}  // NOLINT: implicit on purpose
  RunSpec(RunState st, Trace t, bool summary = true) : state(st), trace(std::move(t)), withSummary(summary) {}
};

class CampaignBuilder {
 public:
  CampaignBuilder() {
    char t[] = "/tmp/csnake-an-XXXXXX";
    dir_ = mkdtemp(t);
    path_ = dir_ + "/campaign.db";
    store_ = std::make_unique<CampaignStore>(path_, OpenMode::Create);
  }
  ~CampaignBuilder() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  const std::string &path() const { return path_; }
  CampaignStore &store() { return *store_; }

  int64_t test(const std::string &name) {
    auto it = tests_.find(name);
    if (it != tests_.end()) return it->second;
    TestCase t{name, "/bin/true", "gtest", {"/bin/true"}, "", {}, {}};
    for (const StoredTest &s : store_->upsertTests({t}, {}))
      if (s.test.id == name) tests_[name] = s.id;
    return tests_[name];
  }

  void site(uint64_t id, SiteKind kind, const std::string &file, uint32_t line, const std::string &fn,
            const std::string &detail = "", uint64_t parent = 0, uint32_t flags = 0) {
    FaultSite s;
    s.id = id;
    s.kind = kind;
    s.file = file;
    s.line = line;
    s.function = "_Z" + fn;
    s.demangled = fn;
    s.detail = detail;
    s.parentLoop = parent;
    s.flags = flags;
    sites_.push_back(s);
    store_->upsertSites(sites_);
  }

  int64_t profile(const std::string &testName, std::vector<RunSpec> runs) {
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = test(testName);
    return record(p, std::move(runs));
  }

  int64_t inject(const std::string &testName, uint64_t fault, uint64_t context, std::vector<RunSpec> runs,
                 int delayMs = 0) {
    ExperimentPlan p;
    p.kind = ExperimentKind::Injection;
    p.testId = test(testName);
    p.fault = fault;
    p.context = context;
    p.mode = "once";
    p.delayMs = delayMs;
    return record(p, std::move(runs));
  }

  CampaignData load() { return loadCampaign(store_->database()); }

 private:
  int64_t record(const ExperimentPlan &p, std::vector<RunSpec> runs) {
    auto [id, fresh] = store_->ensureExperiment(p, static_cast<int>(runs.size()));
    std::vector<int64_t> ids = store_->runIds(id);
    for (size_t i = 0; i < runs.size() && i < ids.size(); ++i) {
      RunOutcome st;
      if (runs[i].state == RunState::TimedOut)
        st.description = "timed out";
      else
        st.exitCode = 0, st.description = "exit 0";
      bool summary = runs[i].withSummary && runs[i].state != RunState::Failed;
      store_->finishRun(ids[i], runs[i].state, st, "", "", summary ? &runs[i].trace.s : nullptr);
    }
    return id;
  }

  std::string dir_, path_;
  std::unique_ptr<CampaignStore> store_;
  std::map<std::string, int64_t> tests_;
  std::vector<FaultSite> sites_;
};

}  // namespace csnake::testing
