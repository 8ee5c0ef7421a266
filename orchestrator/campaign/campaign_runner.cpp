#include "campaign/campaign_runner.h"

#include "catalog/test_code.h"

#include <csnake/abi.h>
#include <csnake/trace_reader.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "allocation/allocator.h"
#include "allocation/profile_index.h"
#include "campaign/injection_point.h"
#include "campaign/progress_reporter.h"
#include "campaign/injection_point_rounds.h"
#include "campaign/replay_source.h"
#include "csnake/campaigndb/campaign_store.h"
#include "discovery/test_discovery.h"
#include "exec/local_process_pool.h"

namespace fs = std::filesystem;

namespace csnake {

namespace {

// What the database keeps of a process's end: the exit code only when it exited on its own.
RunOutcome outcomeOf(const ProcessStatus &st) {
  RunOutcome o;
  if (st.spawned && !st.timedOut && !st.signal) o.exitCode = st.exitCode;
  if (st.signal) o.signal = st.signal;
  o.description = st.describe();
  o.wallSeconds = st.wallSeconds;
  return o;
}

// The campaign's experiment as the plan file its runs start with.
Plan runPlan(const ExperimentPlan &p, uint64_t seed) {
  Plan plan;
  plan.fault = p.fault;
  plan.context = p.context;
  plan.mode = p.mode;
  if (p.delayMs) plan.delayMs = p.delayMs;
  plan.errnoName = p.errnoName;
  plan.skip = static_cast<uint64_t>(p.skip);
  plan.seed = seed;
  return plan;
}

std::string firstLine(const std::string &path) {
  std::ifstream in(path);
  std::string line, last;
  // The runtime's one-line message is the last "csnake:" line of the output.
  while (std::getline(in, line))
    if (line.rfind("csnake:", 0) == 0) last = line;
  return last;
}

// Gzips every file of `dir` in place (file -> file.gz). Returns false on a write error
// (a full disk): the caller then keeps nothing rather than a half-written archive.
bool compressDir(const std::string &dir) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string src = e.path().string(), dst = src + ".gz";
    std::ifstream in(src, std::ios::binary);
    gzFile gz = gzopen(dst.c_str(), "wb6");
    if (!gz) return false;
    char buf[1 << 16];
    bool ok = true;
    while (ok && (in.read(buf, sizeof buf) || in.gcount() > 0))
      ok = gzwrite(gz, buf, static_cast<unsigned>(in.gcount())) == in.gcount();
    ok = gzclose(gz) == Z_OK && ok;
    if (!ok) {
      fs::remove(dst, ec);
      return false;
    }
    fs::remove(src, ec);
  }
  return true;
}

class Campaign {
 public:
  Campaign(const CampaignOptions &opts, const std::atomic<bool> &stop)
      : opts_(opts), stop_(stop), progress_(stderr), start_(std::chrono::steady_clock::now()) {}

  int run();

 private:
  enum class PhaseEnd { Finished, Interrupted, OutOfTime };
  PhaseEnd executeRuns(ExperimentKind kind, const std::map<int64_t, StoredTest> &tests);
  void ingest(CampaignStore &store, const PlannedRun &run, const RunResult &result);
  void assessTestHealth(const std::map<int64_t, StoredTest> &tests);
  bool outOfTime() const {
    return opts_.timeLimitSeconds > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >= opts_.timeLimitSeconds;
  }

  CampaignOptions opts_;
  const std::atomic<bool> &stop_;
  ProgressReporter progress_;
  std::chrono::steady_clock::time_point start_;
  std::unique_ptr<CampaignStore> store_;
  std::unique_ptr<ReplaySource> replay_;
  SiteCatalog catalog_;
};

int Campaign::run() {
  std::string build = opts_.buildDir.empty() ? "" : fs::absolute(opts_.buildDir).lexically_normal().string();
  if (!build.empty() && build.size() > 1 && build.back() == '/') build.pop_back();
  if (opts_.resultsDir.empty()) {
    fs::path db(opts_.dbPath);
    opts_.resultsDir = (db.parent_path() / (db.stem().string() + ".runs")).string();
  }
  // Runs execute in their own working directories: every path handed to them is absolute.
  opts_.resultsDir = fs::absolute(opts_.resultsDir).lexically_normal().string();
  store_ = std::make_unique<CampaignStore>(opts_.dbPath, OpenMode::Create);
  if (!opts_.replayFrom.empty()) replay_ = std::make_unique<ReplaySource>(opts_.replayFrom);
  store_->bindTarget(build.empty() ? fs::absolute(opts_.testsFile).string() : build);
  {
    std::vector<std::string> left = store_->replanInterruptedRuns();
    LocalProcessPool reclaimer(LocalPoolOptions{});
    for (const std::string &h : left) reclaimer.reclaim(h);
    if (!left.empty())
      progress_.log("resuming: " + std::to_string(left.size()) +
                    " run(s) interrupted by the last campaign were re-planned");
  }

  // Tests and the site catalogue of every test binary.
  DiscoveryOptions dopts;
  dopts.labelFilter = opts_.label;
  std::vector<TestCase> tests = filterTests(discoverTests(build, opts_.testsFile, dopts), opts_.testFilter);
  if (tests.empty()) {
    std::fprintf(stderr, "csnake: %s: no test matches '%s'\n", build.c_str(), opts_.testFilter.c_str());
    return 1;
  }
  std::map<std::string, bool> instrumented;
  for (const TestCase &t : tests) {
    if (instrumented.count(t.binary)) continue;
    try {
      SiteCatalog cat = SiteCatalog::fromBinary(t.binary);
      store_->recordBinary(t.binary, fileContentHash(t.binary), true, cat.sites().size());
      store_->upsertSites(cat.sites());
      instrumented[t.binary] = true;
    } catch (const CatalogError &e) {
      progress_.log(std::string("skipping the tests of ") + e.what());
      instrumented[t.binary] = false;
    }
  }
  // One catalogue for allocation: the union of all binaries' sites, from the database.
  catalog_ = SiteCatalog::fromSites(store_->sites());
  bool any = false;
  for (auto &[bin, inst] : instrumented) any |= inst;
  if (!any) {
    // Say what was found and why none is usable: a binary built without the wrappers and
    // one built with them whose sources all lie outside the root need different fixes.
    size_t plain = 0, empty = 0, unreadable = 0;
    std::set<std::string> roots;
    for (const auto &entry : instrumented) {
      try {
        BinaryInstrumentation b = SiteCatalog::probeBinary(entry.first);
        if (!b.builtWithCsnake) {
          ++plain;
          continue;
        }
        ++empty;
        for (const std::string &r : b.roots) roots.insert(r.empty() ? "(none set)" : r);
      } catch (const CatalogError &) {
        ++unreadable;  // already named in the "skipping the tests of" line above
      }
    }
    auto count = [](size_t n, const char *one, const char *many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::string why = count(instrumented.size(), "test binary", "test binaries") +
                      " found, none has a " CSNAKE_SITE_SECTION " section";
    if (plain)
      why += "; " + count(plain, "is", "are") + " not compiled with csnake's wrappers (configure the project with " +
             "-DCMAKE_TOOLCHAIN_FILE=<csnake>/toolchain/csnake-toolchain.cmake)";
    if (empty) {
      std::string list;
      for (const std::string &r : roots) list += (list.empty() ? "" : ", ") + r;
      why += "; " + count(empty, "is", "are") + " built with csnake but " + (empty == 1 ? "has" : "have") +
             " 0 sites under the instrumentation root " + list +
             ": its sources lie outside that root or hold no fault site (set CSNAKE_ROOT or configure with "
             "-DCSNAKE_ROOT=DIR)";
    }
    if (unreadable) why += "; " + count(unreadable, "is", "are") + " unreadable";
    std::fprintf(stderr, "csnake: %s: no usable test binary: %s\n", build.c_str(), why.c_str());
    return 1;
  }
  std::map<int64_t, StoredTest> byId;
  std::set<std::string> selected;
  for (const TestCase &t : tests) selected.insert(t.id);
  for (StoredTest &s : store_->upsertTests(tests, instrumented))
    if (selected.count(s.test.id)) byId[s.id] = s;

  // Phase 0: profile runs, every selected instrumented test --profile-repeats times.
  int profileRepeats = opts_.profileRepeats > 0 ? opts_.profileRepeats : std::max(5, opts_.repeats);
  for (auto &[id, t] : byId) {
    if (!t.instrumented) continue;
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = id;
    p.phase = "profile";
    p.reason = "profile: learn what the test does without faults";
    int n = profileRepeats;
    // A replay cannot profile more often than the source did (its repeats are matched by
    // index): take as many as it recorded.
    if (replay_)
      if (int recorded = replay_->profileRepeats(t.test.id); recorded > 0 && recorded < n) n = recorded;
    store_->ensureExperiment(p, n);
  }
  PhaseEnd end = executeRuns(ExperimentKind::Profile, byId);
  if (end != PhaseEnd::Finished) return end == PhaseEnd::Interrupted ? 130 : 0;
  assessTestHealth(byId);
  for (auto &[id, t] : byId)
    for (const StoredTest &fresh : store_->tests())
      if (fresh.id == id) t = fresh;

  // Injection: the budget counts injection runs, the allocator picks experiments.
  std::unique_ptr<Allocator> allocator = makeAllocator(opts_.allocator);
  // Experiments only on the tests this invocation selected: a database may hold others.
  std::set<int64_t> selectedIds;
  for (const auto &[id, t] : byId) selectedIds.insert(id);
  ProfileIndex profile = ProfileIndex::load(*store_, selectedIds);
  AllocationOptions aopts;
  aopts.seed = opts_.seed;
  aopts.delaysMs = opts_.delaysMs;
  aopts.budgetExperiments = opts_.budgetRuns / opts_.repeats;
  aopts.phase1Share = opts_.phase1Share;
  aopts.phase2Share = opts_.phase2Share;
  aopts.faultFilter = opts_.faultFilter;
  if (!opts_.injectTestCode) {
    for (const FaultSite &s : catalog_.sites())
      if (isTestSourcePath(s.file) && !opts_.faultFilter.count(s.id)) aopts.excludedSites.insert(s.id);
    if (!aopts.excludedSites.empty())
      progress_.log(std::to_string(aopts.excludedSites.size()) + " of " + std::to_string(catalog_.sites().size()) +
                    " sites are in test code and not injected (--inject-test-code injects them too)");
  }
  AllocationContext ctx{*store_, catalog_, profile, aopts};
  // Runs planned before a kill run first; then analysis (policies may use the effects
  // found so far), then the allocator's next batch, until the budget is spent or the
  // policy has nothing new.
  for (;;) {
    end = executeRuns(ExperimentKind::Injection, byId);
    if (end == PhaseEnd::Interrupted) return 130;
    if (end == PhaseEnd::OutOfTime) break;
    if (opts_.analyze && allocator->usesAnalysis()) opts_.analyze(store_->database());
    int64_t used = store_->runCounts(ExperimentKind::Injection).total;
    int64_t room = (opts_.budgetRuns - used) / opts_.repeats;
    if (room <= 0) break;
    int64_t added = 0;
    for (ExperimentPlan p : allocator->nextBatch(ctx, room)) {
      if (added >= room) break;
      // Every policy's plans get their injection point here (--inject-at).
      applyInjectionPoint(store_->database(), p, opts_.injectAt);
      added += store_->ensureExperiment(p, opts_.repeats).second ? 1 : 0;
    }
    // Nothing new from the policy: the budget left tries the error faults it chose at
    // other points of their runs (campaign/injection_point_rounds.h). A replay takes
    // only the points its source recorded: it cannot run anything.
    if (added == 0)
      for (const ExperimentPlan &p :
           nextInjectionPointRound(store_->database(), selectedIds, opts_.faultFilter, opts_.injectAt,
                                   opts_.injectionPoints)) {
        if (added >= room) break;
        if (replay_ && !replay_->find(byId.at(p.testId).test.id, p, 0)) continue;
        added += store_->ensureExperiment(p, opts_.repeats).second ? 1 : 0;
      }
    if (added == 0) break;
  }
  RunCounts all = store_->runCounts();
  std::fprintf(stderr,
               "csnake: campaign finished: %lld runs (%lld done, %lld failed, %lld timed out, %lld not fired), %s\n",
               (long long)all.total, (long long)all.byState["done"], (long long)all.byState["failed"],
               (long long)all.byState["timed_out"], (long long)all.byState["not_fired"], opts_.dbPath.c_str());
  return 0;
}

Campaign::PhaseEnd Campaign::executeRuns(ExperimentKind kind, const std::map<int64_t, StoredTest> &tests) {
  std::vector<PlannedRun> queue = store_->plannedRuns(kind);
  // Nothing planned (the first call of the injection loop, before the allocator's first
  // round): no "phase: 0 runs" line.
  if (queue.empty()) return stop_ ? PhaseEnd::Interrupted : PhaseEnd::Finished;
  RunCounts before = store_->runCounts(kind);
  int64_t finished = before.total - before.byState["planned"] - before.byState["running"];
  progress_.startPhase(experimentKindName(kind), before.total, finished);
  int64_t failed = before.byState["failed"], timedOut = before.byState["timed_out"],
          notFired = before.byState["not_fired"];
  LocalPoolOptions popts;
  popts.workers = opts_.jobs > 0 ? static_cast<size_t>(opts_.jobs) : std::max(1u, std::thread::hardware_concurrency());
  LocalProcessPool pool(popts);
  std::map<int64_t, PlannedRun> inFlight;
  size_t next = 0;  // every run before it has started
  std::vector<bool> started(queue.size(), false);
  std::set<std::string> busyPlaces;            // test + working directory of runs in flight
  std::map<int64_t, std::string> placeOf;      // run id -> its entry in busyPlaces ("" = none)
  PhaseEnd end = PhaseEnd::Finished;
  if (replay_) {
    for (const PlannedRun &r : queue) {
      if (stop_) return PhaseEnd::Interrupted;
      auto t = tests.find(r.testId);
      if (t == tests.end()) continue;
      std::optional<RecordedRun> rec = replay_->find(t->second.test.id, r.plan, r.repeat);
      if (!rec) {
        ProcessStatus none;
        none.spawnError = "not recorded in the replay source";
        store_->finishRun(r.runId, RunState::Failed, outcomeOf(none),
                          "replay: " + t->second.test.id + " has no such run in " + opts_.replayFrom, "", nullptr);
        ++failed;
      } else {
        store_->finishRun(r.runId, rec->state, outcomeOf(rec->status), rec->error, "",
                          rec->summary ? &*rec->summary : nullptr);
        failed += rec->state == RunState::Failed;
        timedOut += rec->state == RunState::TimedOut;
        notFired += rec->state == RunState::NotFired;
      }
      progress_.update(++finished, failed, timedOut, notFired);
    }
    progress_.finishPhase();
    return PhaseEnd::Finished;
  }
  while (next < queue.size() || !inFlight.empty()) {
    if (stop_ || outOfTime()) {
      end = stop_ ? PhaseEnd::Interrupted : PhaseEnd::OutOfTime;
      for (int64_t id : pool.cancelAll()) store_->markPlanned(id);
      inFlight.clear();
      break;
    }
    // Never two runs of one test at once in one working directory (a test with a fixed
    // WORKING_DIRECTORY writes its files there: two copies clash and make it flaky);
    // a run that would is passed over until the other ends. Runs without a working
    // directory of their own run in their private run directory.
    for (size_t i = next; i < queue.size() && pool.inFlight() < pool.capacity(); ++i) {
      if (started[i]) continue;
      const PlannedRun &r = queue[i];
      auto t = tests.find(r.testId);
      if (t == tests.end()) {  // a test outside this invocation's filter
        started[i] = true;
        continue;
      }
      std::string place = t->second.test.cwd.empty() ? "" : t->second.test.id + "\n" + t->second.test.cwd;
      if (!place.empty() && busyPlaces.count(place)) continue;
      started[i] = true;
      if (!place.empty()) busyPlaces.insert(place);
      placeOf[r.runId] = place;
      RunSpec spec;
      spec.runId = r.runId;
      spec.argv = t->second.test.argv;
      spec.cwd = t->second.test.cwd;
      spec.env = t->second.test.env;
      spec.timeoutSeconds = opts_.runTimeoutSeconds;
      spec.runDir = opts_.resultsDir + "/run-" + std::to_string(r.runId);
      if (kind == ExperimentKind::Injection) spec.plan = runPlan(r.plan, opts_.seed + static_cast<uint64_t>(r.repeat));
      store_->markRunning(r.runId);
      inFlight[r.runId] = r;
      std::string handle = pool.submit(spec);
      if (!handle.empty()) store_->setExecutorHandle(r.runId, handle);
    }
    while (next < queue.size() && started[next]) ++next;
    std::optional<RunResult> res = pool.waitNext(std::chrono::milliseconds(100));
    if (!res) {
      progress_.update(finished, failed, timedOut, notFired);
      continue;
    }
    PlannedRun r = inFlight[res->runId];
    inFlight.erase(res->runId);
    busyPlaces.erase(placeOf[res->runId]);
    placeOf.erase(res->runId);
    ingest(*store_, r, *res);
    RunState state = store_->runState(r.runId);
    failed += state == RunState::Failed;
    timedOut += state == RunState::TimedOut;
    notFired += state == RunState::NotFired;
    ++finished;
    progress_.update(finished, failed, timedOut, notFired);
  }
  progress_.finishPhase();
  if (end == PhaseEnd::Interrupted)
    progress_.log("interrupted: finished runs are kept; run the same command again to resume");
  if (end == PhaseEnd::OutOfTime) progress_.log("time budget reached");
  return end;
}

void Campaign::ingest(CampaignStore &store, const PlannedRun &run, const RunResult &res) {
  const ProcessStatus &st = res.status;
  RunState state = RunState::Done;
  std::string error;
  std::optional<TraceSummary> summary;
  if (!st.spawned) {
    state = RunState::Failed;
    error = st.spawnError;
  } else if (!st.timedOut && !st.signal && st.exitCode == CSNAKE_EXIT_BAD_PLAN) {
    state = RunState::Failed;
    error = "bad plan: " + firstLine(res.logPath);
  } else {
    try {
      summary = summarizeTraceDir(res.traceDir);
    } catch (const TraceError &e) {
      error = e.what();
    }
    if (st.timedOut)
      state = RunState::TimedOut;
    else if (!summary)
      state = RunState::Failed;
    else if (run.plan.kind == ExperimentKind::Injection && !summary->fired)
      state = RunState::NotFired;
  }
  if (!error.empty() && state != RunState::Failed) error = "trace: " + error;
  std::string tracePath;
  if (summary && opts_.keepTraces != "none") {
    tracePath = res.traceDir;
    if (opts_.keepTraces == "compressed" && !compressDir(res.traceDir)) {
      progress_.log(res.traceDir + ": cannot compress the trace (disk full?); raw trace dropped");
      tracePath.clear();
    }
  }
  if (tracePath.empty() || opts_.keepTraces == "none") {
    std::error_code ec;
    fs::remove_all(res.traceDir, ec);
  }
  std::error_code ec;
  fs::remove_all(fs::path(res.traceDir).parent_path() / "tmp", ec);
  store.finishRun(run.runId, state, outcomeOf(st), error, tracePath, summary ? &*summary : nullptr);
  if (state == RunState::Failed)
    progress_.log("run " + std::to_string(run.runId) + " failed: " + error + " (log: " + res.logPath + ")");
}

void Campaign::assessTestHealth(const std::map<int64_t, StoredTest> &tests) {
  std::map<int64_t, std::vector<std::string>> outcomes = store_->profileOutcomes();
  int flakyCount = 0, brokenCount = 0;
  for (auto &[test, outs] : outcomes) {
    auto t = tests.find(test);
    if (t == tests.end()) continue;
    std::set<std::string> distinct(outs.begin(), outs.end());
    bool broken = !distinct.count("exit 0");
    bool flaky = distinct.size() > 1;
    store_->setTestHealth(test, flaky, broken);
    if (flaky) {
      ++flakyCount;
      progress_.log("flaky test " + t->second.test.id + ": profile outcomes differ across repeats");
    } else if (broken) {
      ++brokenCount;
      progress_.log("test " + t->second.test.id + " fails without any fault (" + *distinct.begin() +
                    "): not used for injection");
    }
  }
  if (flakyCount || brokenCount)
    progress_.log(std::to_string(flakyCount) + " flaky and " + std::to_string(brokenCount) + " failing test(s)");
}

}  // namespace

int runCampaign(const CampaignOptions &opts, const std::atomic<bool> &stopRequested) {
  try {
    Campaign c(opts, stopRequested);
    return c.run();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "csnake: %s\n", e.what());
    return 1;
  }
}

}  // namespace csnake
