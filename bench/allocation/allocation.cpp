// bench/allocation: how many runs each allocation policy needs to find the documented
// self-sustaining cycles of a target (issue 7). Running a full campaign per policy and
// seed is hours of test time, so this runs ONE exhaustive campaign — every (fault,
// context, test) experiment over the documented cause sites plus distractor sites, on
// the documented tests — and then replays each policy against it
// (`csnake campaign --replay-from`): each policy sees exactly the outcomes and analysis a
// real campaign would have, at no test cost. Recall is measured at fractions of the
// exhaustive number of injection runs (--fractions), and as the runs needed for full recall.
//
//   bench_allocation --csnake BIN --build DIR --cascades FILE --work DIR
//                    [--seeds 1,2,3,4,5] [--distractors 40] [--repeats 3] [--delays 300]
//                    [--fractions 0.125,0.25,...,1 (steps of 1/8)] [--max-length N]
//                    [--allocators 3pa,coverage,random]
//
// Every database (the exhaustive one and each replay) is analysed with the same options,
// cycles of at most --max-length steps (default: the longest documented cycle): a full-length
// analysis of a database of this size stores thousands of cycles with their evidence and
// Z3 checks, minutes per replay, the same for every policy.
//
// "Runs to full recall" of a (policy, seed) is the smallest budget of the grid at which it
// found every cycle the exhaustive plan finds (each budget is its own replay: 3PA splits
// its budget into phases, so a smaller budget is not a prefix of a larger one).
//
// The exhaustive database in --work is kept and reused (it takes tens of minutes).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/profile_queries.h"
#include "csnake/campaigndb/run_counts.h"
#include "csnake/common/site_id.h"

extern char **environ;
namespace fs = std::filesystem;

namespace {

struct Output {
  int status = -1;
  std::string out;
};

Output run(const std::vector<std::string> &argv, bool quiet = true) {
  static std::atomic<int> serial{0};  // replays run on several threads
  fs::path tmp = fs::temp_directory_path() /
                 ("csnake-bench-alloc-" + std::to_string(getpid()) + "-" + std::to_string(serial++) + ".out");
  std::vector<char *> a;
  for (const auto &s : argv) a.push_back(const_cast<char *>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (quiet) posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  Output o;
  if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ) != 0) {
    std::fprintf(stderr, "bench_allocation: cannot run %s\n", a[0]);
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  int st = 0;
  waitpid(pid, &st, 0);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::ifstream in(tmp);
  std::stringstream ss;
  ss << in.rdbuf();
  o.out = ss.str();
  fs::remove(tmp);
  return o;
}

// file:line function, the function without parameters and ABI tags ("[abi:cxx11]"), as
// cascades.json names it.
std::string loc(const nlohmann::json &j) {
  std::string f = j.value("function", "");
  f = f.substr(0, f.find('('));
  for (size_t a; (a = f.find("[abi:")) != std::string::npos;) f.erase(a, f.find(']', a) - a + 1);
  return j.value("file", "") + ":" + std::to_string(j.value("line", 0)) + " " + f;
}

// A cycle is identified by the loops its steps feed, in any rotation (as the e2e ground
// truth test matches them).
// A cycle as csnake reports it: its faults (site and context loop, a delay fault's own
// loop) in cycle order, in the rotation that sorts first.
using FaultKey = std::vector<std::string>;

FaultKey minimalRotation(FaultKey k) {
  FaultKey best = k;
  for (size_t r = 1; r < k.size(); ++r) {
    std::rotate(k.begin(), k.begin() + 1, k.end());
    if (k < best) best = k;
  }
  return best;
}

FaultKey documentedKey(const nlohmann::json &c) {
  FaultKey k;
  for (const auto &st : c["steps"]) {
    const auto &cause = st["cause"];
    k.push_back(loc(cause) + " @ " + loc(cause["kind"] == "LOOP" ? cause : cause["context"]));
  }
  return minimalRotation(k);
}

// How many documented cycles a database's analysis finds; `mask` says which (one character
// per documented cycle in cascades.json order: its number when found, '-' when not).
size_t recall(const std::string &csnake, const std::string &db, const std::vector<FaultKey> &want,
              const std::string &maxLength, std::string *mask = nullptr) {
  if (run({csnake, "analyze", "--db", db, "--max-length", maxLength}).status != 0) {
    std::fprintf(stderr, "bench_allocation: csnake analyze --db %s failed\n", db.c_str());
    return 0;
  }
  Output o = run({csnake, "cycles", "--db", db, "--json"});
  nlohmann::json cycles = nlohmann::json::parse(o.out, nullptr, false);
  if (!cycles.is_array()) return 0;
  size_t found = 0;
  for (const auto &w : want) {
    bool hit = false;
    for (const auto &c : cycles) {
      FaultKey k;
      for (const auto &f : c["faults"]) k.push_back(loc(f["site"]) + " @ " + loc(f["context"]));
      hit |= minimalRotation(k) == w;
    }
    found += hit;
    if (mask) *mask += hit ? static_cast<char>('1' + (mask->size() % 9)) : '-';
  }
  return found;
}

std::vector<std::string> split(const std::string &s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  std::string csnake, build, cascadesPath, work, seeds = "1,2,3,4,5", delays = "300",
                                                 fractionList = "0.125,0.25,0.375,0.5,0.625,0.75,0.875,1", maxLength,
                                                 allocatorList = "3pa,coverage,random";
  int distractors = 40, repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--csnake")
      csnake = fs::absolute(v);
    else if (k == "--build")
      build = fs::absolute(v);
    else if (k == "--cascades")
      cascadesPath = v;
    else if (k == "--work")
      work = fs::absolute(v);
    else if (k == "--seeds")
      seeds = v;
    else if (k == "--distractors")
      distractors = std::atoi(v.c_str());
    else if (k == "--repeats")
      repeats = std::max(2, std::atoi(v.c_str()));
    else if (k == "--delays")
      delays = v;
    else if (k == "--fractions")
      fractionList = v;
    else if (k == "--allocators")
      allocatorList = v;
    else if (k == "--max-length")
      maxLength = v;
    else {
      std::fprintf(stderr, "bench_allocation: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (csnake.empty() || build.empty() || cascadesPath.empty() || work.empty()) {
    std::fprintf(stderr,
                 "usage: bench_allocation --csnake BIN --build DIR --cascades FILE --work DIR [--seeds 1,2,3] "
                 "[--fractions 0.25,0.5,1] [--allocators 3pa,random] [--distractors N] [--max-length N]\n");
    return 2;
  }
  fs::create_directories(work);
  nlohmann::json cascades = nlohmann::json::parse(std::ifstream(cascadesPath));
  // The target's test binary by the bundled targets' convention (<target>_tests), else
  // any test binary of the build.
  std::string binary = build + "/" + cascades.value("target", std::string()) + "_tests";
  nlohmann::json sites = nlohmann::json::parse(run({csnake, "sites", binary, "--json"}).out, nullptr, false);
  if (!sites.is_array()) {
    // Any test binary of the build: the first one the catalogue can read.
    for (const auto &e : fs::directory_iterator(build)) {
      Output o = run({csnake, "sites", e.path().string(), "--json"});
      if (o.status == 0) {
        sites = nlohmann::json::parse(o.out);
        break;
      }
    }
  }
  std::set<std::string> tests, docFaults;
  std::vector<FaultKey> wanted;
  size_t longest = 0;
  for (const auto &c : cascades["cascades"]) {
    if (c["type"] == "cycle") wanted.push_back(documentedKey(c)), longest = std::max(longest, c["steps"].size());
    for (const auto &st : c["steps"]) {
      for (const auto &t : st["tests"]) tests.insert(t);
      for (const auto &s : sites)
        if (s["kind"] == st["cause"]["kind"] && s["file"] == st["cause"]["file"] && s["line"] == st["cause"]["line"])
          docFaults.insert(s["id"].get<std::string>());
    }
  }
  // Cycles longer than the longest documented one cannot match it; searching them costs
  // minutes per replay (thousands of stored cycles with evidence and Z3 checks).
  if (maxLength.empty()) maxLength = std::to_string(std::max<size_t>(2, longest));
  std::string testFilter;
  for (const auto &t : tests) testFilter += (testFilter.empty() ? "" : ":") + t;

  // 1. Profile, then pick distractor sites: injectable sites the tests reach in their
  //    profile runs (not injection runs: a reused database would give another list), a
  //    fixed pseudo-random sample (by id order), so the policies must find the needles.
  std::string exhaustive = work + "/exhaustive.db";
  std::vector<std::string> common = {
      "--build",  build,  "--label",   "target", "--tests", testFilter, "--repeats", std::to_string(repeats),
      "--delays", delays, "--timeout", "30",     "--jobs",  "2"};
  auto campaign = [&](const std::string &db, std::vector<std::string> extra, bool quiet) {
    std::vector<std::string> a = {csnake, "campaign", "--db", db};
    a.insert(a.end(), common.begin(), common.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a, quiet);
  };
  campaign(exhaustive, {"--budget", "0", "--no-analysis"}, false);
  std::set<std::string> faults = docFaults;
  {
    csnake::CampaignDb db(exhaustive, csnake::OpenMode::ReadOnly);
    std::map<std::string, csnake::SiteInfo> sites = csnake::loadSiteInfos(db);
    // Distinct error sites reached in a finished profile run, in the order of their ids'
    // last ten hex digits (a fixed pseudo-random order that does not favour any file).
    std::set<std::pair<std::string, std::string>> reached;
    for (const csnake::ProfileFaultReach &r : csnake::profileFaultReaches(db)) {
      std::string id = csnake::formatSiteId(r.site);
      auto it = sites.find(id);
      if (it != sites.end() && (it->second.kind == "ERROR_RETURN" || it->second.kind == "LIBCALL"))
        reached.insert({id.substr(8), id});
    }
    int taken = 0;
    for (const auto &[order, id] : reached)
      if (taken++ < distractors) faults.insert(id);
  }
  std::string faultList;
  for (const auto &f : faults) faultList += (faultList.empty() ? "" : ",") + f;

  // 2. Exhaustive: the random policy without replacement and a budget above every pair.
  Output ex = campaign(exhaustive,
                       {"--faults", faultList, "--allocator", "random", "--budget", "1000000",
                        // Every plan once at the default point: further injection points
                        // would multiply the exhaustive campaign by up to 8.
                        "--injection-points", "1", "--no-analysis"},
                       false);
  if (ex.status != 0) {
    std::fprintf(stderr, "bench_allocation: exhaustive campaign failed\n");
    return 1;
  }
  int64_t total = 0;
  {
    csnake::CampaignDb db(exhaustive, csnake::OpenMode::ReadOnly);
    total = csnake::countRuns(db, csnake::ExperimentKind::Injection).total;
  }
  size_t ceiling = recall(csnake, exhaustive, wanted, maxLength);

  // 3. Replays.
  std::vector<double> fractions;
  for (const std::string &f : split(fractionList)) fractions.push_back(std::atof(f.c_str()));
  std::sort(fractions.begin(), fractions.end());
  std::printf(
      "\nbench/allocation: %zu documented cycles; exhaustive plan = %lld injection runs over %zu fault sites "
      "(%zu documented + distractors) on %zu tests, %d repeats; the exhaustive campaign finds %zu\n",
      wanted.size(), (long long)total, faults.size(), docFaults.size(), tests.size(), repeats, ceiling);
  std::printf("cycles of at most %s steps; ", maxLength.c_str());
  std::printf(
      "recall (documented cycles found) at a budget of x %% of the exhaustive runs; last column: runs to full "
      "recall (the smallest budget of the grid reaching %zu)\n",
      ceiling);
  std::printf("%-10s %-6s", "allocator", "seed");
  for (double f : fractions) std::printf(" %7.1f%%", f * 100);
  std::printf(" %10s\n", "runs");
  // Every (policy, seed, budget) replay is independent and CPU-bound (no test runs): two
  // at a time on two cores.
  struct Replay {
    std::string alloc, seed;
    int64_t budget = 0;
    size_t recall = 0;
    std::string mask;
  };
  std::vector<Replay> replays;
  const std::vector<std::string> allocators = split(allocatorList);
  for (const std::string &alloc : allocators)
    for (const std::string &seed : split(seeds))
      for (double frac : fractions)
        replays.push_back({alloc, seed, static_cast<int64_t>(frac * static_cast<double>(total)), 0, ""});
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < replays.size();) {
      Replay &r = replays[i];
      std::string db = work + "/replay-" + r.alloc + "-" + r.seed + "-" + std::to_string(r.budget) + ".db";
      fs::remove(db);
      fs::remove(db + "-wal");
      fs::remove(db + "-shm");
      campaign(db,
               {"--faults", faultList, "--allocator", r.alloc, "--seed", r.seed, "--budget", std::to_string(r.budget),
                "--replay-from", exhaustive, "--no-analysis"},
               true);
      r.recall = recall(csnake, db, wanted, maxLength, &r.mask);
      fs::remove(db);  // large (every run's paths); the table is the result
      fs::remove_all(db.substr(0, db.size() - 3) + ".runs");
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < 2; ++t) pool.emplace_back(worker);
  for (auto &t : pool) t.join();
  std::map<std::string, std::vector<int64_t>> runsToFull;  // -1: never within the grid
  size_t k = 0;
  for (const std::string &alloc : allocators) {
    for (const std::string &seed : split(seeds)) {
      std::printf("%-10s %-6s", alloc.c_str(), seed.c_str());
      int64_t full = -1;
      for (size_t f = 0; f < fractions.size(); ++f, ++k) {
        if (full < 0 && ceiling > 0 && replays[k].recall >= ceiling) full = replays[k].budget;
        std::printf(" %3zu %4s", replays[k].recall, replays[k].mask.c_str());
      }
      std::printf(" %10s\n", full < 0 ? "-" : std::to_string(full).c_str());
      runsToFull[alloc].push_back(full);
    }
  }
  // Median over seeds; "never" (-1) counts as more than any budget.
  std::printf("\nmedian runs to full recall over seeds (exhaustive = %lld runs):\n", (long long)total);
  std::map<std::string, int64_t> median;
  for (auto &[alloc, v] : runsToFull) {
    std::vector<int64_t> w = v;
    for (auto &x : w)
      if (x < 0) x = INT64_MAX;
    std::sort(w.begin(), w.end());
    median[alloc] = w[w.size() / 2];
    std::printf("%-10s %s\n", alloc.c_str(),
                median[alloc] == INT64_MAX ? "not within the grid" : std::to_string(median[alloc]).c_str());
  }
  if (median.count("3pa") && median.count("random") && median["3pa"] != INT64_MAX) {
    if (median["random"] == INT64_MAX)
      std::printf("3pa / random: random never reached full recall within the grid\n");
    else
      std::printf("3pa / random = %.2f (goal <= 0.50)\n",
                  static_cast<double>(median["3pa"]) / static_cast<double>(median["random"]));
  }
  return 0;
}
