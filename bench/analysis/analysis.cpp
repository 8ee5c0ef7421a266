// bench/analysis: the analyzer at campaign scale, end to end (issue 15). Each database is
// analysed by the real `csnake analyze` (load, FCA, stitching, the Z3 check, the write) in
// a child process; its wall time, CPU time and peak resident size come from wait4().
//
//   bench_analysis --csnake BIN [--db FILE ...] [--synthetic-runs N [--shape-from FILE] [--seed S]
//                  [--tests 20] [--profile-repeats 5] [--effect-fraction 0.1] [--round-runs 500]]
//                  [--work DIR] [--keep] [-- ARGS FOR csnake analyze ...]
//
// --db FILE: an existing campaign database, copied (with its -wal) into the work directory
//   first: the input is never opened, let alone modified. The copy is opened read-write
//   (migrated to the current schema, checkpointed) before the timed analysis, so a schema
//   migration is not part of the figure.
// --synthetic-runs N: a synthetic campaign of N finished runs, written through the
//   campaign store (CampaignStore::finishRun with a TraceSummary, as the orchestrator
//   ingests a real run; no SQL of ours touches the run tables). Per-run sizes (event, loop
//   and path rows) are the averages of --shape-from FILE (whose site table and test names
//   are reused too), else ~1,600 / 60 / 150. The time to generate it is printed apart; it
//   is not part of the figure.
//   The analysis between allocation rounds (`csnake analyze --new-runs-only`) is timed
//   twice: after N - R runs (everything is new to it) and after the last R runs
//   (--round-runs R): the second must cost what R runs cost, whatever N is.
//
// Goals (issue 15, on 2 cores): an analysis in <= 30 s and <= 2 GB resident (the exhaustive
// bench/allocation database), a 10,000-run synthetic campaign in <= 60 s, <= 50 KB of
// database per run. The table at the end says which were measured here and met.
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/campaign_store.h"
#include "csnake/campaigndb/run_counts.h"
#include "csnake/common/site_id.h"
#include "csnake/trace_summary.h"

extern char **environ;
namespace fs = std::filesystem;
using namespace csnake;

namespace {

constexpr double kGoalWallDb = 30, kGoalWallSynthetic = 60;
constexpr double kGoalRssBytes = 2.0 * 1024 * 1024 * 1024;  // 2 GB (GiB)
constexpr double kGoalBytesPerRun = 50.0 * 1024;             // 50 KB (KiB)

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "bench_analysis: %s\n", msg.c_str());
  std::exit(1);
}

// ---------------------------------------------------------------------------------------
// Child processes: posix_spawn with an argv vector, never a shell.

struct Child {
  int status = -1;  // exit status, or 128 + signal
  double wall = 0, user = 0, sys = 0;
  long maxRssKb = 0;
  std::string out;
  std::vector<std::pair<double, std::string>> errLines;  // (seconds since start, line)
};

Child spawnAndMeasure(const std::vector<std::string> &argv, bool captureStderr) {
  std::vector<char *> a;
  for (const auto &s : argv) a.push_back(const_cast<char *>(s.c_str()));
  a.push_back(nullptr);
  int outPipe[2], errPipe[2];
  if (pipe(outPipe) != 0 || pipe(errPipe) != 0) die("pipe: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, outPipe[1], 1);
  if (captureStderr)
    posix_spawn_file_actions_adddup2(&fa, errPipe[1], 2);
  else
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  for (int fd : {outPipe[0], outPipe[1], errPipe[0], errPipe[1]}) posix_spawn_file_actions_addclose(&fa, fd);
  pid_t pid;
  Child c;
  double t0 = now();
  int rc = posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(outPipe[1]);
  close(errPipe[1]);
  if (rc != 0) die("cannot run " + argv[0] + ": " + std::strerror(rc));
  // stderr is read line by line with the time each line arrived: the analyzer's progress
  // lines ("fault causality analysis, experiments: 812/1465") say which phase is running.
  std::thread errReader([&] {
    std::string pending;
    char buf[4096];
    ssize_t n;
    while ((n = read(errPipe[0], buf, sizeof buf)) > 0) {
      pending.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        c.errLines.emplace_back(now() - t0, pending.substr(0, nl));
        pending.erase(0, nl + 1);
      }
    }
    if (!pending.empty()) c.errLines.emplace_back(now() - t0, pending);
  });
  char buf[65536];
  ssize_t n;
  while ((n = read(outPipe[0], buf, sizeof buf)) > 0) c.out.append(buf, static_cast<size_t>(n));
  int st = 0;
  struct rusage ru {};
  while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
  }
  c.wall = now() - t0;
  errReader.join();
  close(outPipe[0]);
  close(errPipe[0]);
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  c.user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  c.sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  c.maxRssKb = ru.ru_maxrss;  // kilobytes on Linux
  return c;
}

std::string gitCommit() {
  std::vector<std::string> argv = {"git", "-C", fs::path(__FILE__).parent_path().string(), "rev-parse", "--short",
                                   "HEAD"};
  Child c = spawnAndMeasure(argv, false);
  std::string s = c.out.substr(0, c.out.find('\n'));
  if (c.status != 0 || s.empty()) return "unknown";
  Child d = spawnAndMeasure({"git", "-C", argv[2], "status", "--porcelain", "--untracked-files=no"}, false);
  return d.status == 0 && !d.out.empty() ? s + " (with uncommitted changes)" : s;
}

// ---------------------------------------------------------------------------------------
// Database figures.

struct DbFigures {
  int64_t runs = 0, done = 0, finished = 0, summarised = 0;
  int64_t eventRows = 0, loopRows = 0, pathRows = 0;
  uint64_t fileBytes = 0;  // main file + -wal, after a checkpoint
  uint64_t pageBytes = 0;  // page_count * page_size
  uint64_t freeBytes = 0;  // freelist_count * page_size
};

uint64_t fileSize(const std::string &p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

// Page figures through SQLite's own PRAGMAs, read-only (no table of the campaign is read).
void pageFigures(const std::string &path, DbFigures &f) {
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  auto pragma = [&](const char *sql) -> int64_t {
    sqlite3_stmt *st = nullptr;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  int64_t pageSize = pragma("PRAGMA page_size");
  f.pageBytes = static_cast<uint64_t>(pragma("PRAGMA page_count") * pageSize);
  f.freeBytes = static_cast<uint64_t>(pragma("PRAGMA freelist_count") * pageSize);
  sqlite3_close(db);
}

// Checkpoints (the WAL folded into the file), then counts. `path` is a file of ours.
DbFigures measureDb(const std::string &path) {
  DbFigures f;
  {
    CampaignDb db(path, OpenMode::ReadWrite);
    db.checkpoint();
    RunCounts rc = countRuns(db);
    f.runs = rc.total;
    auto st = [&](const char *s) { return rc.byState.count(s) ? rc.byState.at(s) : int64_t(0); };
    f.done = st("done");
    f.finished = rc.total - rc.open();
    // Runs whose trace summary was ingested: done, not fired and timed out (failed runs have none).
    f.summarised = f.done + st("not_fired") + st("timed_out");
    f.eventRows = db.countRows(Table::RunEvents);
    f.loopRows = db.countRows(Table::RunLoops);
    f.pathRows = db.countRows(Table::RunPaths);
  }
  f.fileBytes = fileSize(path) + fileSize(path + "-wal");
  pageFigures(path, f);
  return f;
}

std::string mb(double bytes) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f MB", bytes / (1024.0 * 1024.0));
  return b;
}

std::string kb(double bytes) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f KB", bytes / 1024.0);
  return b;
}

// ---------------------------------------------------------------------------------------
// One analysis, measured.

struct Measured {
  std::string label;
  DbFigures before, after;
  Child analyze;
  Child loadAlone;  // loadCampaign alone, in a forked child (status, wall, CPU, RSS)
  nlohmann::json summary;
  int64_t cyclesReported = -1, cyclesAll = -1;
  double goalWall = kGoalWallDb;
};

void printPhases(const Child &c) {
  // First and last time each progress phase was seen ("csnake analyze: PHASE: i/n").
  std::vector<std::string> order;
  std::map<std::string, std::pair<double, double>> seen;
  for (const auto &[t, line] : c.errLines) {
    std::string s = line;
    const std::string pre = "csnake analyze: ";
    if (s.rfind(pre, 0) == 0) s = s.substr(pre.size());
    std::string phase = s.substr(0, s.rfind(':'));
    if (phase.empty() || s.find('/') == std::string::npos) {
      std::printf("    [%6.1f s] %s\n", t, line.c_str());
      continue;
    }
    if (!seen.count(phase)) {
      order.push_back(phase);
      seen[phase] = {t, t};
    }
    seen[phase].second = t;
  }
  if (order.empty()) {
    std::printf("    (no progress line: FCA, the checks and the evidence each took < 2 s; the load and the write"
                " print none)\n");
    return;
  }
  std::printf("    progress lines (a phase prints every 2 s once it has run 2 s; before the first: the load):\n");
  for (const auto &p : order)
    std::printf("    %-40s first %6.1f s  last %6.1f s\n", p.c_str(), seen[p].first, seen[p].second);
  std::printf("    %-40s %6.1f s after the last progress line\n", "(the rest: remaining work + write)",
              c.wall - c.errLines.back().first);
}

// The analyzer's first phase alone: loadCampaign (the whole database into memory), in a
// forked child so that its time and peak RSS are its own. It prints no progress line, so
// this is how its share of the end-to-end figure is seen.
Child loadAlone(const std::string &db) {
  Child c;
  std::fflush(stdout);
  std::fflush(stderr);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) die("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    int rc = 0;
    try {
      CampaignDb cdb(db, OpenMode::ReadOnly);
      CampaignData d = loadCampaign(cdb);
      rc = d.experiments.empty() ? 3 : 0;
    } catch (const std::exception &e) {
      std::fprintf(stderr, "bench_analysis: loadCampaign: %s\n", e.what());
      rc = 2;
    }
    _exit(rc);
  }
  int st = 0;
  struct rusage ru {};
  while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
  }
  c.wall = now() - t0;
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  c.user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  c.sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  c.maxRssKb = ru.ru_maxrss;
  return c;
}

Measured analyse(const std::string &csnake, const std::string &label, const std::string &db,
                 const std::vector<std::string> &extraArgs, double goalWall) {
  Measured m;
  m.label = label;
  m.goalWall = goalWall;
  m.before = measureDb(db);
  std::vector<std::string> argv = {csnake, "analyze", "--db", db, "--json"};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  std::printf("  running:");
  for (const auto &a : argv) std::printf(" %s", a.c_str());
  std::printf("\n");
  std::fflush(stdout);
  m.analyze = spawnAndMeasure(argv, true);
  if (m.analyze.status != 0) {
    for (const auto &[t, l] : m.analyze.errLines) std::fprintf(stderr, "  %s\n", l.c_str());
    std::fprintf(stderr, "bench_analysis: csnake analyze --db %s exited with status %d\n", db.c_str(),
                 m.analyze.status);
  }
  m.summary = nlohmann::json::parse(m.analyze.out, nullptr, false);
  for (bool all : {false, true}) {
    std::vector<std::string> cargv = {csnake, "cycles", "--db", db, "--json"};
    if (all) cargv.push_back("--all");
    Child c = spawnAndMeasure(cargv, false);
    nlohmann::json j = nlohmann::json::parse(c.out, nullptr, false);
    (all ? m.cyclesAll : m.cyclesReported) = c.status == 0 && j.is_array() ? static_cast<int64_t>(j.size()) : -1;
  }
  m.after = measureDb(db);
  m.loadAlone = loadAlone(db);
  return m;
}

const char *met(bool ok) { return ok ? "met" : "NOT met"; }
// The time and memory of an analysis that failed say nothing about the goals.
const char *metIfRan(const Child &c, bool ok) { return c.status != 0 ? "FAILED (see above)" : met(ok); }

void printMeasured(const Measured &m) {
  const DbFigures &b = m.before, &a = m.after;
  double runs = static_cast<double>(std::max<int64_t>(1, b.finished));
  std::printf("  runs                 %lld (%lld done, %lld finished, %lld with a trace summary)\n",
              static_cast<long long>(b.runs), static_cast<long long>(b.done), static_cast<long long>(b.finished),
              static_cast<long long>(b.summarised));
  double s = static_cast<double>(std::max<int64_t>(1, b.summarised));
  std::printf("  rows per summarised run  events %.0f, loops %.0f, paths %.0f\n", b.eventRows / s, b.loopRows / s,
              b.pathRows / s);
  std::printf("  database before      %s file (+wal, checkpointed), %s in pages (%s free); %s per finished run\n",
              mb(b.fileBytes).c_str(), mb(b.pageBytes).c_str(), mb(b.freeBytes).c_str(),
              kb(b.fileBytes / runs).c_str());
  std::printf("  database analysed    %s file, %s in pages (%s free); %s per finished run\n", mb(a.fileBytes).c_str(),
              mb(a.pageBytes).c_str(), mb(a.freeBytes).c_str(), kb(a.fileBytes / runs).c_str());
  const Child &c = m.analyze;
  std::printf("  csnake analyze       exit %d; wall %.2f s, CPU %.2f s (user %.2f + sys %.2f), max RSS %.0f MB\n",
              c.status, c.wall, c.user + c.sys, c.user, c.sys, c.maxRssKb / 1024.0);
  printPhases(c);
  const Child &l = m.loadAlone;
  std::printf("  load alone           loadCampaign in a child (not part of the figure): exit %d; wall %.2f s, CPU %.2f s, "
              "max RSS %.0f MB (%.0f%% of the analysis wall time)\n",
              l.status, l.wall, l.user + l.sys, l.maxRssKb / 1024.0, c.wall > 0 ? 100.0 * l.wall / c.wall : 0.0);
  if (m.summary.is_object()) {
    const auto &x = m.summary;
    std::printf("  analysis             %d/%zu injection experiments analysed, %zu effects, %zu edges, %zu chains, "
                "%d fault cycles (%d composite)%s\n",
                x["experiments"].value("analysed", 0), x["experiments"].value("injection", size_t(0)),
                x.value("effects", size_t(0)), x.value("edges", size_t(0)), x.value("cycles_found", size_t(0)),
                x.value("fault_cycles", 0), x.value("composite_fault_cycles", 0),
                x.value("search_truncated", false) ? " [search truncated]" : "");
    std::printf("                       verdicts %s, search %.2f s\n", x["groups_by_verdict"].dump().c_str(),
                x.value("search_seconds", 0.0));
  }
  std::printf("  fault cycles         %lld reported by `csnake cycles`, %lld with --all\n",
              static_cast<long long>(m.cyclesReported), static_cast<long long>(m.cyclesAll));
  double bpr = a.fileBytes / runs, rss = c.maxRssKb * 1024.0;
  std::printf("  against the goals    wall %.2f / %.0f s = %.2f (%s); RSS %.0f MB / 2 GB = %.2f (%s); "
              "%s per run / 50 KB = %.2f (%s)\n",
              c.wall, m.goalWall, c.wall / m.goalWall, metIfRan(c, c.wall <= m.goalWall), rss / 1048576.0,
              rss / kGoalRssBytes, metIfRan(c, rss <= kGoalRssBytes), kb(bpr).c_str(), bpr / kGoalBytesPerRun,
              met(bpr <= kGoalBytesPerRun));
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------
// The synthetic campaign.

struct Rng {  // splitmix64: the same stream on every platform (std distributions are not)
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  // Poisson-ish jitter: x + N(0, sqrt(x)) (Irwin-Hall), at least 1 when x was.
  uint64_t jitter(uint64_t x) {
    if (x == 0) return 0;
    double n = -6;
    for (int i = 0; i < 12; ++i) n += uniform();
    double v = std::round(static_cast<double>(x) + n * std::sqrt(static_cast<double>(x)));
    return v < 1 ? 1 : static_cast<uint64_t>(v);
  }
};

uint64_t mix(uint64_t a, uint64_t b) { return Rng{a * 0x9e3779b97f4a7c15ull ^ b}.next(); }

struct Shape {
  double events = 1600, loops = 60, paths = 150;
  std::string source = "defaults (no --shape-from)";
  std::vector<FaultSite> sites;  // reused from --shape-from when it has enough loops
  std::vector<std::string> testNames;
};

Shape shapeFrom(const std::string &path) {
  Shape s;
  if (path.empty()) return s;
  DbFigures f;
  std::map<SiteRef, SiteInfo> infos;
  std::map<int64_t, std::string> names;
  {
    CampaignDb db(path, OpenMode::ReadOnly);
    RunCounts rc = countRuns(db);
    auto st = [&](const char *k) { return rc.byState.count(k) ? rc.byState.at(k) : int64_t(0); };
    f.summarised = st("done") + st("not_fired") + st("timed_out");
    f.eventRows = db.countRows(Table::RunEvents);
    f.loopRows = db.countRows(Table::RunLoops);
    f.pathRows = db.countRows(Table::RunPaths);
    infos = loadSiteInfos(db);
    names = loadTestNames(db);
  }
  if (f.summarised == 0) die("--shape-from " + path + ": no run with a trace summary");
  double n = static_cast<double>(f.summarised);
  s.events = f.eventRows / n;
  s.loops = f.loopRows / n;
  s.paths = f.pathRows / n;
  s.source = path + " (" + std::to_string(f.summarised) + " runs with a summary; its " +
             std::to_string(infos.size()) + " sites and " + std::to_string(names.size()) + " test names)";
  for (const auto &[id, i] : infos) {
    FaultSite fs;
    if (!parseSiteId(i.id, fs.id) || !parseSiteKind(i.kind, fs.kind)) continue;
    fs.flags = i.flags;
    fs.file = i.file;
    fs.line = static_cast<uint32_t>(i.line);
    fs.demangled = i.function;
    fs.function = i.function;
    fs.detail = i.detail;
    if (!i.parentLoop.empty()) parseSiteId(i.parentLoop, fs.parentLoop);
    s.sites.push_back(std::move(fs));
  }
  for (const auto &[id, name] : names) s.testNames.push_back(name);
  return s;
}

// The site table: loops, and in each loop error sites (the faults) and branches.
struct SiteModel {
  std::vector<FaultSite> all;
  std::vector<uint64_t> loops;                                  // loops with sites inside
  std::map<uint64_t, std::vector<uint64_t>> errorsIn, branchesIn;  // loop -> sites
  std::map<uint64_t, uint64_t> parentOf;                          // loop -> parent loop (0 none)
};

bool isErrorFault(const FaultSite &s) {
  return (s.kind == SiteKind::Throw && !(s.flags & CSNAKE_FLAG_PLAIN_THROW)) || s.kind == SiteKind::ErrorReturn ||
         s.kind == SiteKind::Libcall;
}

SiteModel buildSites(const Shape &shape, Rng &rng, std::string &how) {
  SiteModel m;
  auto index = [&] {
    m.loops.clear();
    m.errorsIn.clear();
    m.branchesIn.clear();
    for (const FaultSite &s : m.all) {
      if (s.kind == SiteKind::Loop) m.parentOf[s.id] = s.parentLoop;
      if (!s.parentLoop) continue;
      if (isErrorFault(s)) m.errorsIn[s.parentLoop].push_back(s.id);
      if (s.kind == SiteKind::Branch) m.branchesIn[s.parentLoop].push_back(s.id);
    }
    for (const auto &[loop, parent] : m.parentOf)
      if (!m.errorsIn[loop].empty()) m.loops.push_back(loop);
  };
  if (!shape.sites.empty()) {
    m.all = shape.sites;
    index();
    if (m.loops.size() >= 10) {
      how = "the site table of --shape-from (" + std::to_string(m.all.size()) + " sites, " +
            std::to_string(m.loops.size()) + " loops holding error sites)";
      return m;
    }
    m = SiteModel{};
  }
  // 400 loops, a third of them nested in an earlier one; per loop 3 error sites and 4 branches.
  const int nLoops = 400;
  int line = 1;
  std::vector<uint64_t> loopIds;
  for (int l = 0; l < nLoops; ++l) {
    FaultSite loop;
    loop.id = mix(0x100, static_cast<uint64_t>(l));
    loop.kind = SiteKind::Loop;
    loop.flags = CSNAKE_FLAG_LOOP_IO;
    loop.file = "synthetic/module" + std::to_string(l % 40) + ".cpp";
    loop.line = static_cast<uint32_t>(line++);
    loop.function = loop.demangled = "loop" + std::to_string(l);
    loop.loopSize = 200;
    if (!loopIds.empty() && rng.below(3) == 0) loop.parentLoop = loopIds[rng.below(loopIds.size())];
    loopIds.push_back(loop.id);
    m.all.push_back(loop);
    const SiteKind kinds[] = {SiteKind::Throw, SiteKind::ErrorReturn, SiteKind::Libcall, SiteKind::Branch,
                              SiteKind::Branch, SiteKind::Branch, SiteKind::Branch};
    for (int k = 0; k < 7; ++k) {
      FaultSite s;
      s.id = mix(0x200 + static_cast<uint64_t>(k), static_cast<uint64_t>(l));
      s.kind = kinds[k];
      if (s.kind == SiteKind::Throw || s.kind == SiteKind::ErrorReturn) s.flags = CSNAKE_FLAG_FAULT_ON_TRUE;
      if (s.kind == SiteKind::Libcall) s.detail = "recv";
      s.file = loop.file;
      s.line = static_cast<uint32_t>(line++);
      s.function = s.demangled = loop.function;
      s.parentLoop = loop.id;
      m.all.push_back(s);
    }
  }
  index();
  how = "synthetic (400 loops, each with THROW, ERROR_RETURN and LIBCALL sites and 4 BRANCHes)";
  return m;
}

// What one test does in a profile run: its summary before jitter.
struct TestModel {
  int64_t id = 0;
  std::vector<uint64_t> loops, hot;  // loops it runs; hot: where injected faults' effects land
  TraceSummary base;
  std::set<std::pair<uint64_t, uint64_t>> noisyLoops;  // (loop, callsig) whose counts vary
  std::map<uint64_t, uint64_t> callsig0;                // loop -> its first call site
  std::set<uint64_t> natural;                           // error sites that fail in profiles too
};

constexpr int kCallsigs = 2;
const char *const kNodes[] = {"node0", "node1", "node2"};

TestModel buildTest(int64_t id, const SiteModel &sm, const Shape &shape, Rng &rng) {
  TestModel t;
  t.id = id;
  size_t nLoops = std::clamp<size_t>(static_cast<size_t>(std::lround(shape.loops / kCallsigs)), 1, sm.loops.size());
  std::vector<uint64_t> pool = sm.loops;
  for (size_t i = 0; i < nLoops; ++i) {
    std::swap(pool[i], pool[i + rng.below(pool.size() - i)]);
    t.loops.push_back(pool[i]);
  }
  for (size_t i = 0; i < std::min<size_t>(4, t.loops.size()); ++i) t.hot.push_back(t.loops[i]);
  // Loop rows: (loop, callsig).
  for (uint64_t loop : t.loops) {
    for (int c = 0; c < kCallsigs; ++c) {
      uint64_t cs = mix(loop ^ static_cast<uint64_t>(id), static_cast<uint64_t>(c) + 7);
      if (c == 0) t.callsig0[loop] = cs;
      LoopSummary &l = t.base.loops[{loop, cs}];
      auto p = sm.parentOf.find(loop);
      l.parent = p == sm.parentOf.end() ? 0 : p->second;
      l.invocations = rng.range(1, 50);
      uint64_t per = rng.range(1, 20);
      l.iterations = l.invocations * per;
      l.histogram[per] = l.invocations;
      if (rng.below(10) < 3) t.noisyLoops.insert({loop, cs});
    }
  }
  // Event rows: (site, context loop, callsig, node), spread evenly over the loops' sites.
  std::vector<std::pair<uint64_t, uint64_t>> pairs;  // (site, loop)
  for (uint64_t loop : t.loops) {
    for (uint64_t s : sm.errorsIn.at(loop)) {
      pairs.emplace_back(s, loop);
      if (rng.below(10) == 0) t.natural.insert(s);
    }
    auto b = sm.branchesIn.find(loop);
    if (b != sm.branchesIn.end())
      for (uint64_t s : b->second) pairs.emplace_back(s, loop);
  }
  size_t want = static_cast<size_t>(std::lround(shape.events));
  size_t per = std::max<size_t>(1, (want + pairs.size() - 1) / std::max<size_t>(1, pairs.size()));
  for (size_t k = 0; k < per && t.base.events.size() < want; ++k)
    for (const auto &[site, loop] : pairs) {
      if (t.base.events.size() >= want) break;
      uint64_t cs = mix(loop ^ static_cast<uint64_t>(id), (k / 3) % kCallsigs + 7) ^ (k / 6);
      EventSummary &e = t.base.events[{site, loop, cs, kNodes[k % 3]}];
      e.reached = rng.range(1, 1000);
      e.occurred = t.natural.count(site) ? rng.range(1, e.reached) : 0;
    }
  // Path rows: signatures per (loop, callsig), decisions over the loop's branches.
  size_t wantPaths = static_cast<size_t>(std::lround(shape.paths));
  std::vector<std::pair<uint64_t, uint64_t>> loopRows;
  for (const auto &[key, l] : t.base.loops) loopRows.push_back(key);
  for (size_t i = 0; i < wantPaths && !loopRows.empty(); ++i) {
    auto [loop, cs] = loopRows[i % loopRows.size()];
    PathSummary &p = t.base.paths[{loop, cs, mix(loop ^ cs, i)}];
    p.count = rng.range(1, 100);
    auto b = sm.branchesIn.find(loop);
    const std::vector<uint64_t> &br = b == sm.branchesIn.end() ? sm.errorsIn.at(loop) : b->second;
    size_t n = rng.range(2, 6);
    for (size_t d = 0; d < n; ++d) p.decisions.emplace_back(br[rng.below(br.size())], static_cast<uint32_t>(rng.below(2)));
  }
  return t;
}

TraceSummary profileRun(const TestModel &t, Rng &rng) {
  TraceSummary s = t.base;
  s.processes = 3;
  s.bytes = 200000 + rng.below(100000);
  for (auto &[key, l] : s.loops)
    if (t.noisyLoops.count(key)) l.iterations = std::max(l.invocations, rng.jitter(l.iterations));
  for (auto &[key, e] : s.events) e.reached = rng.jitter(e.reached);
  for (auto &[key, p] : s.paths) p.count = rng.jitter(p.count);
  return s;
}

struct Fault {
  uint64_t site = 0, context = 0;
  bool delay = false;
};

// An injection run: the profile with noise, the injected fault recorded, and for an
// "active" fault (the same in every repeat) its effect: a new fault event with a new path
// into a hot loop (an E effect), or a hot loop iterating much more (S+, and a parent delay
// when the loop has a parent).
TraceSummary injectionRun(const TestModel &t, const SiteModel &sm, const Fault &f, double effectFraction,
                          uint64_t seed, Rng &rng) {
  TraceSummary s = profileRun(t, rng);
  s.hasPlan = s.armed = s.fired = true;
  s.fireCount = 1 + rng.below(5);
  if (!f.delay) {
    EventSummary &e = s.events[{f.site, f.context, t.callsig0.at(f.context), kNodes[0]}];
    e.reached = std::max<uint64_t>(e.reached, 1);
    e.occurred = std::max<uint64_t>(e.occurred, s.fireCount);
    e.injected = s.fireCount;
  }
  // Faults in the hot loops (4 of a test's ~30) are the cascades' material: most of them
  // are active; elsewhere few are. About `effectFraction` of all faults overall.
  bool hot = std::find(t.hot.begin(), t.hot.end(), f.context) != t.hot.end();
  double p = std::min(1.0, effectFraction * (hot ? 7.5 : 0.3));
  Rng fr{mix(seed, mix(f.site ^ static_cast<uint64_t>(t.id), f.context))};  // same for every repeat
  if (fr.uniform() >= p) return s;
  std::vector<uint64_t> targets;
  for (uint64_t h : t.hot)
    if (h != f.context) targets.push_back(h);
  if (targets.empty()) return s;
  uint64_t into = targets[fr.below(targets.size())];
  uint64_t cs = t.callsig0.at(into);
  if (fr.below(10) < 6) {
    std::vector<uint64_t> quiet;
    for (uint64_t x : sm.errorsIn.at(into))
      if (!t.natural.count(x)) quiet.push_back(x);
    if (quiet.empty()) return s;
    uint64_t x = quiet[fr.below(quiet.size())];
    EventSummary &e = s.events[{x, into, cs, kNodes[fr.below(3)]}];
    e.occurred = 1 + rng.below(4);
    e.reached = std::max(e.reached, e.occurred);
    PathSummary &np = s.paths[{into, cs, mix(x, f.site)}];
    np.count = 1 + rng.below(20);
    auto b = sm.branchesIn.find(into);
    if (b != sm.branchesIn.end() && !b->second.empty()) np.decisions.emplace_back(b->second.front(), 1);
    np.decisions.emplace_back(x, 2);
  } else {
    LoopSummary &l = s.loops[{into, cs}];
    uint64_t factor = 3 + fr.below(8);
    l.iterations *= factor;
    std::map<uint64_t, uint64_t> h;
    for (const auto &[low, n] : l.histogram) h[low * factor] += n;
    l.histogram = h;
  }
  return s;
}

struct Generated {
  std::string how;
  double seconds = 0;
  int64_t runs = 0, experiments = 0;
};

// `atRound` is called once, when `roundAt` runs are finished (0: never), with the store
// idle: the campaign's previous allocation rounds are over there.
Generated generate(const std::string &path, int64_t nRuns, const Shape &shape, uint64_t seed, int nTests,
                   int profileRepeats, double effectFraction, int64_t roundAt = 0,
                   const std::function<void()> &atRound = {}) {
  Generated g;
  double t0 = now();
  Rng rng{seed};
  std::string siteHow;
  SiteModel sm = buildSites(shape, rng, siteHow);
  CampaignStore store(path, OpenMode::Create);
  store.bindTarget("/synthetic/build");
  store.upsertSites(sm.all);
  std::vector<TestCase> cases;
  for (int i = 0; i < nTests; ++i) {
    std::string name = i < static_cast<int>(shape.testNames.size()) ? shape.testNames[static_cast<size_t>(i)]
                                                                     : "Synthetic.Test" + std::to_string(i);
    cases.push_back({name, "/synthetic/build/tests", "gtest", {"/synthetic/build/tests", "--gtest_filter=" + name}, "", {}, {}});
  }
  std::vector<StoredTest> stored = store.upsertTests(cases, {});
  std::vector<TestModel> tests;
  for (const StoredTest &st : stored) tests.push_back(buildTest(st.id, sm, shape, rng));

  int64_t done = 0;
  auto finish = [&](int64_t runId, const TraceSummary &s) {
    store.markRunning(runId);
    RunOutcome o;
    o.exitCode = 0;
    o.description = "exit 0";
    o.wallSeconds = 0.5 + rng.uniform();
    store.finishRun(runId, RunState::Done, o, "", "", &s);
    if (++done % 1000 == 0) {
      std::fprintf(stderr, "bench_analysis: generated %lld/%lld runs\n", static_cast<long long>(done),
                   static_cast<long long>(nRuns));
    }
  };
  // Profiles: every test, --profile-repeats runs.
  for (const TestModel &t : tests) {
    if (done >= nRuns) break;
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = t.id;
    p.allocator = "synthetic";
    int reps = static_cast<int>(std::min<int64_t>(profileRepeats, nRuns - done));
    int64_t eid = store.ensureExperiment(p, reps).first;
    ++g.experiments;
    for (int64_t r : store.runIds(eid)) finish(r, profileRun(t, rng));
  }
  // Injections: the tests in turn, each with its next fault (error faults in its loops and
  // the delay faults of its loops, shuffled); once a test has had every fault, again with
  // the next injection point (plan skip).
  std::vector<std::vector<Fault>> faults(tests.size());
  for (size_t i = 0; i < tests.size(); ++i) {
    for (uint64_t loop : tests[i].loops) {
      faults[i].push_back({loop, loop, true});
      for (uint64_t s : sm.errorsIn.at(loop)) faults[i].push_back({s, loop, false});
    }
    for (size_t k = faults[i].size(); k > 1; --k) std::swap(faults[i][k - 1], faults[i][rng.below(k)]);
  }
  std::vector<size_t> next(tests.size(), 0);
  bool roundCalled = false;
  double paused = 0;
  for (size_t ti = 0; done < nRuns; ti = (ti + 1) % tests.size()) {
    if (!roundCalled && roundAt > 0 && done >= roundAt && atRound) {
      double p0 = now();
      atRound();
      paused += now() - p0;
      roundCalled = true;
    }
    const TestModel &t = tests[ti];
    size_t k = next[ti]++;
    const Fault &f = faults[ti][k % faults[ti].size()];
    ExperimentPlan p;
    p.kind = ExperimentKind::Injection;
    p.testId = t.id;
    p.fault = f.site;
    p.context = f.context;
    p.mode = f.delay ? "always" : "once";
    p.delayMs = f.delay ? 300 : 0;
    p.skip = static_cast<int64_t>(k / faults[ti].size());
    p.allocator = "synthetic";
    int reps = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(rng.range(1, 3)), nRuns - done));
    int64_t eid = store.ensureExperiment(p, reps).first;
    ++g.experiments;
    for (int64_t r : store.runIds(eid)) finish(r, injectionRun(t, sm, f, effectFraction, seed, rng));
  }
  g.runs = done;
  g.seconds = now() - t0 - paused;
  g.how = siteHow;
  return g;
}

std::string makeWorkDir(const std::string &work) {
  if (!work.empty()) {
    fs::create_directories(work);
    return work;
  }
  std::string t = (fs::temp_directory_path() / "csnake-bench-analysis-XXXXXX").string();
  if (!mkdtemp(t.data())) die("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  return t;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"bench_analysis: csnake analyze at campaign scale, end to end (wall, CPU, peak RSS, bytes per run)"};
  std::string csnake, shapeFromPath, work;
  std::vector<std::string> dbs, analyzeArgs;
  int64_t syntheticRuns = 0;
  uint64_t seed = 1;
  int nTests = 20, profileRepeats = 5;
  double effectFraction = 0.1;
  int64_t roundRuns = 500;
  bool keep = false;
  app.add_option("--csnake", csnake, "the csnake binary to run")->required()->check(CLI::ExistingFile);
  app.add_option("--db", dbs, "an existing campaign database (repeatable); analysed on a copy")
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  auto *syn = app.add_option("--synthetic-runs", syntheticRuns, "build and analyse a synthetic campaign of N runs")
                  ->check(CLI::Range(int64_t(1), int64_t(100'000'000)))
                  ->type_name("N");
  app.add_option("--shape-from", shapeFromPath, "per-run sizes, sites and test names of the synthetic campaign")
      ->check(CLI::ExistingFile)
      ->needs(syn)
      ->type_name("FILE");
  app.add_option("--seed", seed, "seed of the synthetic campaign (default 1)")->needs(syn);
  app.add_option("--tests", nTests, "tests of the synthetic campaign (default 20)")
      ->check(CLI::Range(1, 100000))
      ->needs(syn);
  app.add_option("--profile-repeats", profileRepeats, "profile runs per test (default 5)")
      ->check(CLI::Range(2, 1000))
      ->needs(syn);
  app.add_option("--effect-fraction", effectFraction,
                 "about this fraction of injection experiments show an effect (default 0.1)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(syn);
  app.add_option("--round-runs", roundRuns,
                 "the synthetic campaign's last allocation round: runs finished after the analysis between rounds "
                 "that precedes it (default 500; 0: no between-rounds figures)")
      ->check(CLI::Range(int64_t(0), int64_t(100'000'000)))
      ->needs(syn);
  app.add_option("--work", work, "directory for the copies and the synthetic database (default: a new temp dir)")
      ->type_name("DIR");
  app.add_flag("--keep", keep, "keep the work directory's databases");
  app.footer("Arguments after -- are passed to every `csnake analyze`, e.g. -- --no-z3 --max-length 3.");
  // Everything after "--" is for csnake analyze; CLI11 parses what comes before.
  int ours = argc;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") {
      ours = i;
      analyzeArgs.assign(argv + i + 1, argv + argc);
      break;
    }
  CLI11_PARSE(app, ours, argv);
  if (dbs.empty() && syntheticRuns == 0) {
    std::fprintf(stderr, "bench_analysis: give --db FILE and/or --synthetic-runs N (see --help)\n");
    return 2;
  }
  const std::string commit = gitCommit();
  const std::string dir = makeWorkDir(work);
  std::printf("bench/analysis  commit %s, %u hardware threads, work dir %s\n", commit.c_str(),
              std::thread::hardware_concurrency(), dir.c_str());

  std::vector<Measured> results;
  int failures = 0;
  for (size_t i = 0; i < dbs.size(); ++i) {
    const std::string &in = dbs[i];
    std::string copy = (fs::path(dir) / ("copy" + std::to_string(i) + "-" + fs::path(in).filename().string())).string();
    for (const char *suffix : {"", "-wal"}) {
      fs::remove(copy + suffix);
      if (fs::exists(in + suffix)) fs::copy_file(in + suffix, copy + suffix);
    }
    std::printf("\n== --db %s (analysed on the copy %s)\n", in.c_str(), copy.c_str());
    results.push_back(analyse(csnake, "--db " + in, copy, analyzeArgs, kGoalWallDb));
    printMeasured(results.back());
    failures += results.back().analyze.status != 0;
    if (!keep) {
      for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(copy + suffix);
    }
  }
  if (syntheticRuns > 0) {
    Shape shape = shapeFrom(shapeFromPath);
    std::string path = (fs::path(dir) / ("synthetic-" + std::to_string(syntheticRuns) + ".db")).string();
    for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    std::printf("\n== synthetic campaign: %lld runs, seed %llu, %d tests x %d profile runs, effect fraction %.2f\n",
                static_cast<long long>(syntheticRuns), static_cast<unsigned long long>(seed), nTests, profileRepeats,
                effectFraction);
    std::printf("  per-run shape        events %.0f, loops %.0f, paths %.0f rows: %s\n", shape.events, shape.loops,
                shape.paths, shape.source.c_str());
    std::fflush(stdout);
    // Between allocation rounds a campaign runs `csnake analyze --new-runs-only`'s analysis:
    // once before the last round (every experiment so far is new to it), once after it
    // (only the round's runs are): the second must cost what the round's runs cost.
    struct Round {
      std::string what;
      Child c;
      nlohmann::json out;
    };
    std::vector<Round> rounds;
    auto betweenRounds = [&](const std::string &what) {
      Round r{what, spawnAndMeasure({csnake, "analyze", "--db", path, "--new-runs-only", "--json"}, true), {}};
      r.out = nlohmann::json::parse(r.c.out, nullptr, false);
      if (r.c.status != 0) {
        for (const auto &[t, l] : r.c.errLines) std::fprintf(stderr, "  %s\n", l.c_str());
        ++failures;
      }
      std::printf("  between rounds       %s: exit %d; re-analysed %lld experiments (%lld unchanged); wall %.2f s, "
                  "CPU %.2f s, max RSS %.0f MB\n",
                  what.c_str(), r.c.status, r.out.is_object() ? (long long)r.out.value("reanalysed_experiments", 0) : -1,
                  r.out.is_object() ? (long long)r.out.value("unchanged_experiments", 0) : -1, r.c.wall,
                  r.c.user + r.c.sys, r.c.maxRssKb / 1024.0);
      std::fflush(stdout);
      rounds.push_back(std::move(r));
    };
    int64_t roundAt = roundRuns > 0 && roundRuns < syntheticRuns ? syntheticRuns - roundRuns : 0;
    Generated g = generate(path, syntheticRuns, shape, seed, nTests, profileRepeats, effectFraction, roundAt,
                           [&] { betweenRounds("after " + std::to_string(roundAt) + " runs, before the last round"); });
    if (roundAt > 0) betweenRounds("after the last round of " + std::to_string(roundRuns) + " runs");
    if (rounds.size() == 2 && rounds[0].c.wall > 0)
      std::printf("  between rounds       the last round's analysis took %.2f of the first's wall time for %.2f of "
                  "its runs (cost grows with the new runs, not with the database)\n",
                  rounds[1].c.wall / rounds[0].c.wall,
                  static_cast<double>(roundRuns) / static_cast<double>(roundAt));
    std::printf("  sites                %s\n", g.how.c_str());
    std::printf("  generated            %lld runs in %lld experiments in %.1f s (not part of the figure)\n",
                static_cast<long long>(g.runs), static_cast<long long>(g.experiments), g.seconds);
    std::fflush(stdout);
    double goal = kGoalWallSynthetic * static_cast<double>(syntheticRuns) / 10000.0;
    results.push_back(analyse(csnake, "synthetic " + std::to_string(syntheticRuns) + " runs", path, analyzeArgs,
                              syntheticRuns == 10000 ? kGoalWallSynthetic : goal));
    printMeasured(results.back());
    failures += results.back().analyze.status != 0;
    if (!keep) {
      for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    }
  }
  if (!keep && work.empty()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::printf("\n== goals (issue 15), commit %s\n", commit.c_str());
  std::printf("  %-34s %-22s %10s %10s  %s\n", "database", "figure", "measured", "goal", "");
  for (const Measured &m : results) {
    double runs = static_cast<double>(std::max<int64_t>(1, m.before.finished));
    bool synth = m.label.rfind("synthetic", 0) == 0;
    std::string lbl = m.label.size() > 34 ? "..." + m.label.substr(m.label.size() - 31) : m.label;
    char goal[32];
    std::snprintf(goal, sizeof goal, "%.0f s%s", m.goalWall, synth && m.goalWall != kGoalWallSynthetic ? "*" : "");
    std::printf("  %-34s %-22s %8.2f s %10s  %s\n", lbl.c_str(), "analysis wall time", m.analyze.wall, goal,
                metIfRan(m.analyze, m.analyze.wall <= m.goalWall));
    double rss = m.analyze.maxRssKb * 1024.0;
    std::printf("  %-34s %-22s %7.0f MB %10s  %s\n", "", "analysis max RSS", rss / 1048576.0, "2 GB",
                metIfRan(m.analyze, rss <= kGoalRssBytes));
    std::printf("  %-34s %-22s %7.1f KB %10s  %s\n", "", "bytes per run", m.after.fileBytes / runs / 1024.0, "50 KB",
                met(m.after.fileBytes / runs <= kGoalBytesPerRun));
  }
  bool scaled = false;
  for (const Measured &m : results) scaled |= m.label.rfind("synthetic", 0) == 0 && m.goalWall != kGoalWallSynthetic;
  if (scaled) std::printf("  * the 60 s goal of 10,000 runs scaled linearly to this run count (the goal is for 10,000)\n");
  std::printf("  the 30 s / 2 GB goal is for the exhaustive bench/allocation database (--db); the 60 s goal for\n"
              "  --synthetic-runs 10000; bytes per run = database file after the analysis / finished runs\n");
  return failures ? 1 : 0;
}
