// bench/orchestration: what csnake's run machinery costs per run (spawn, process-group
// isolation, per-run directories, trace ingest, database writes), measured against
// running the same test command directly, and csnake's throughput against `ctest -j`
// running the same runs on the same cores. All variants run in this one invocation.
//
//   bench_orchestration --csnake BIN --test BIN [--test-arg A] [--runs N] [--jobs J]
//
// The test is any short instrumented program; every variant sets CSNAKE_TRACE_DIR so the
// test itself does the same work (it writes its trace) and only the orchestration differs.
// Goals (issue 5): <= 50 ms per run, >= 90 % of ctest's throughput.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

extern char **environ;
namespace fs = std::filesystem;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Runs argv (no shell) with extra environment, output discarded; returns the exit status.
int run(const std::vector<std::string> &argv, const std::vector<std::string> &extraEnv = {}) {
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "CSNAKE_", 7) != 0) env.push_back(*e);
  env.insert(env.end(), extraEnv.begin(), extraEnv.end());
  std::vector<char *> a, e;
  for (auto &s : argv) a.push_back(const_cast<char *>(s.c_str()));
  a.push_back(nullptr);
  for (auto &s : env) e.push_back(const_cast<char *>(s.c_str()));
  e.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), e.data()) != 0) {
    std::fprintf(stderr, "bench_orchestration: cannot run %s\n", a[0]);
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

}  // namespace

int main(int argc, char **argv) {
  std::string csnake, test, testArg = "1";
  int runs = 300, jobs = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--csnake")
      csnake = v;
    else if (k == "--test")
      test = v;
    else if (k == "--test-arg")
      testArg = v;
    else if (k == "--runs")
      runs = std::max(10, std::atoi(v.c_str()));
    else if (k == "--jobs")
      jobs = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "bench_orchestration: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (csnake.empty() || test.empty()) {
    std::fprintf(stderr, "usage: bench_orchestration --csnake BIN --test BIN [--test-arg A] [--runs N] [--jobs J]\n");
    return 2;
  }
  test = fs::absolute(test).string();
  csnake = fs::absolute(csnake).string();
  char tmpl[] = "/tmp/csnake-bench-orch-XXXXXX";
  fs::path root = mkdtemp(tmpl);

  // The same N runs for every variant: a csnake test list and a CTest directory.
  nlohmann::json list = nlohmann::json::array();
  std::ofstream ctest(root / "CTestTestfile.cmake");
  for (int i = 0; i < runs; ++i) {
    std::string id = "run" + std::to_string(i);
    list.push_back({{"id", id}, {"argv", {test, testArg}}});
    fs::path trace = root / "ctest-traces" / id;
    fs::create_directories(trace);
    ctest << "add_test(" << id << " \"" << test << "\" \"" << testArg << "\")\n"
          << "set_tests_properties(" << id << " PROPERTIES ENVIRONMENT \"CSNAKE_TRACE_DIR=" << trace.string()
          << "\")\n";
  }
  ctest.close();
  std::ofstream(root / "tests.json") << list.dump();

  // 1. Direct, one at a time: spawn + wait, each run tracing into its own directory.
  double t0 = now();
  for (int i = 0; i < runs; ++i) {
    fs::path trace = root / "direct-traces" / std::to_string(i);
    fs::create_directories(trace);
    run({test, testArg}, {"CSNAKE_TRACE_DIR=" + trace.string()});
  }
  double direct1 = now() - t0;

  // 2. csnake, one at a time (profile runs: spawn, isolate, ingest, write the database).
  auto campaign = [&](int j, const std::string &name) {
    double s = now();
    int rc = run({csnake, "campaign", "--tests-file", (root / "tests.json").string(), "--db",
                  (root / (name + ".db")).string(), "--repeats", "1", "--budget", "0", "--jobs", std::to_string(j),
                  "--keep-traces", "none"});
    if (rc != 0) {
      std::fprintf(stderr, "bench_orchestration: csnake campaign exited %d\n", rc);
      std::exit(1);
    }
    return now() - s;
  };
  double csnake1 = campaign(1, "serial");

  // 3. ctest -j J versus csnake --jobs J on the same runs.
  t0 = now();
  run({"ctest", "--test-dir", root.string(), "-j", std::to_string(jobs), "-Q"});
  double ctestJ = now() - t0;
  double csnakeJ = campaign(jobs, "parallel");

  std::printf("bench/orchestration: %d runs of %s %s\n", runs, test.c_str(), testArg.c_str());
  std::printf("  direct, serial          %8.2f s   %6.1f ms/run\n", direct1, 1000 * direct1 / runs);
  std::printf("  csnake, serial          %8.2f s   %6.1f ms/run   overhead %+.1f ms/run (goal <= 50)\n", csnake1,
              1000 * csnake1 / runs, 1000 * (csnake1 - direct1) / runs);
  std::printf("  ctest -j%d               %8.2f s   %6.1f runs/s\n", jobs, ctestJ, runs / ctestJ);
  std::printf("  csnake --jobs %d         %8.2f s   %6.1f runs/s   %.0f %% of ctest (goal >= 90 %%)\n", jobs, csnakeJ,
              runs / csnakeJ, 100 * ctestJ / csnakeJ);
  fs::remove_all(root);
  return 0;
}
