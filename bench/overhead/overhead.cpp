// bench/overhead: what instrumentation costs, measured in one run against a plain build.
//
//   overhead --loop-plain BIN --loop-inst BIN [--loop-arg N]
//            [--suite-plain BUILD_DIR --suite-inst BUILD_DIR] [--label target]
//            [--repeats N] [--suite-repeats N]
//
// For the CPU-bound loop program and for every test of the target suite (each run as its
// own process, as csnake runs them) it times three variants, interleaved so machine noise
// hits all of them alike: plain (no csnake), instrumented-disarmed (nothing armed, no
// trace), and profile-tracing (CSNAKE_TRACE_DIR set). It prints wall and CPU ratios
// against plain and the trace bytes written per test run. Goals (issue 3): disarmed
// <= 1.05x, tracing <= 1.40x, <= 1 MB of trace per test run.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

struct Timing {
  double wall = 0;  // seconds
  double cpu = 0;   // user + system seconds
  int status = 0;
};

Timing runOnce(const std::vector<std::string> &argv, const std::vector<std::string> &extraEnv,
               const std::string &stdoutPath = "/dev/null") {
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("CSNAKE_", 0) == 0) continue;  // never inherit a plan or a trace dir
    env.push_back(kv);
  }
  env.insert(env.end(), extraEnv.begin(), extraEnv.end());
  std::vector<char *> cargv, cenv;
  for (const auto &a : argv) cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto &e : env) cenv.push_back(const_cast<char *>(e.c_str()));
  cenv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  Timing t;
  if (posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data()) != 0) {
    std::fprintf(stderr, "overhead: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  struct rusage ru {};
  if (wait4(pid, &t.status, 0, &ru) < 0) std::exit(1);
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  return t;
}

uint64_t dirBytes(const fs::path &dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto &e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) n += e.file_size(ec);
  return n;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Variant {
  const char *name;
  std::vector<double> wall, cpu;
};

// One test as ctest would run it: its command line from `ctest --show-only=json-v1`.
struct SuiteTest {
  std::string name;
  std::vector<std::string> command;
};

std::vector<SuiteTest> discover(const std::string &buildDir, const std::string &label) {
  fs::path out = fs::temp_directory_path() / ("csnake-bench-ctest-" + std::to_string(getpid()) + ".json");
  if (runOnce({"ctest", "--test-dir", buildDir, "--show-only=json-v1"}, {}, out.string()).status != 0) {
    std::fprintf(stderr, "overhead: ctest --show-only failed in %s\n", buildDir.c_str());
    std::exit(1);
  }
  nlohmann::json j = nlohmann::json::parse(std::ifstream(out));
  fs::remove(out);
  std::vector<SuiteTest> tests;
  for (auto &t : j["tests"]) {
    bool labelled = false;
    for (auto &p : t.value("properties", nlohmann::json::array()))
      if (p["name"] == "LABELS")
        for (auto &l : p["value"]) labelled |= l == label;
    if (!labelled || !t.contains("command")) continue;
    tests.push_back({t["name"], t["command"].get<std::vector<std::string>>()});
  }
  return tests;
}

void printRow(const char *what, Variant &plain, Variant &v) {
  double w = median(v.wall), c = median(v.cpu);
  std::printf("  %-24s wall %8.3f s  (%.3fx)   cpu %8.3f s  (%.3fx)\n", what, w, w / median(plain.wall), c,
              c / median(plain.cpu));
}

}  // namespace

int main(int argc, char **argv) {
  std::string loopPlain, loopInst, loopArg = "1500", suitePlain, suiteInst, label = "target";
  int repeats = 5, suiteRepeats = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--loop-plain")
      loopPlain = v;
    else if (k == "--loop-inst")
      loopInst = v;
    else if (k == "--loop-arg")
      loopArg = v;
    else if (k == "--suite-plain")
      suitePlain = v;
    else if (k == "--suite-inst")
      suiteInst = v;
    else if (k == "--label")
      label = v;
    else if (k == "--repeats")
      repeats = std::max(1, std::atoi(v.c_str()));
    else if (k == "--suite-repeats")
      suiteRepeats = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "overhead: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (loopPlain.empty() || loopInst.empty()) {
    std::fprintf(stderr, "usage: overhead --loop-plain BIN --loop-inst BIN [--suite-plain DIR --suite-inst DIR]\n");
    return 2;
  }
  fs::path traceRoot = fs::temp_directory_path() / ("csnake-bench-traces-" + std::to_string(getpid()));

  // 1. CPU-bound loop program.
  Variant plain{"plain", {}, {}}, disarmed{"disarmed", {}, {}}, tracing{"tracing", {}, {}};
  uint64_t loopTraceBytes = 0;
  for (int r = 0; r < repeats; ++r) {
    Timing p = runOnce({loopPlain, loopArg}, {});
    Timing d = runOnce({loopInst, loopArg}, {});
    fs::path dir = traceRoot / ("loop-" + std::to_string(r));
    fs::create_directories(dir);
    Timing t = runOnce({loopInst, loopArg}, {"CSNAKE_TRACE_DIR=" + dir.string()});
    if (p.status || d.status || t.status) {
      std::fprintf(stderr, "overhead: loop program failed (status %d/%d/%d)\n", p.status, d.status, t.status);
      return 1;
    }
    loopTraceBytes = std::max(loopTraceBytes, dirBytes(dir));
    plain.wall.push_back(p.wall), plain.cpu.push_back(p.cpu);
    disarmed.wall.push_back(d.wall), disarmed.cpu.push_back(d.cpu);
    tracing.wall.push_back(t.wall), tracing.cpu.push_back(t.cpu);
  }
  std::printf("CPU-bound loop program (%s %s), median of %d interleaved runs\n", loopInst.c_str(), loopArg.c_str(),
              repeats);
  printRow("plain", plain, plain);
  printRow("instrumented-disarmed", plain, disarmed);
  printRow("profile-tracing", plain, tracing);
  std::printf("  trace bytes: %llu\n\n", (unsigned long long)loopTraceBytes);

  // 2. The target's test suite, test by test.
  if (!suitePlain.empty() && !suiteInst.empty()) {
    std::vector<SuiteTest> plainTests = discover(suitePlain, label), instTests = discover(suiteInst, label);
    double sum[3][2] = {};
    uint64_t traceBytes = 0, traceMax = 0;
    size_t runs = 0, failed = 0;
    for (int r = 0; r < suiteRepeats; ++r) {
      for (const SuiteTest &it : instTests) {
        auto pt =
            std::find_if(plainTests.begin(), plainTests.end(), [&](const SuiteTest &p) { return p.name == it.name; });
        if (pt == plainTests.end()) continue;
        Timing p = runOnce(pt->command, {});
        Timing d = runOnce(it.command, {});
        fs::path dir = traceRoot / ("suite-" + std::to_string(runs));
        fs::create_directories(dir);
        Timing t = runOnce(it.command, {"CSNAKE_TRACE_DIR=" + dir.string()});
        failed += (p.status != 0) + (d.status != 0) + (t.status != 0);
        uint64_t b = dirBytes(dir);
        traceBytes += b;
        traceMax = std::max(traceMax, b);
        fs::remove_all(dir);
        const Timing *all[3] = {&p, &d, &t};
        for (int v = 0; v < 3; ++v) sum[v][0] += all[v]->wall, sum[v][1] += all[v]->cpu;
        ++runs;
      }
    }
    std::printf("Target suite %s: %zu test runs per variant (%d round(s)), %zu non-zero exits\n", suiteInst.c_str(),
                runs, suiteRepeats, failed);
    const char *names[3] = {"plain", "instrumented-disarmed", "profile-tracing"};
    for (int v = 0; v < 3; ++v)
      std::printf("  %-24s wall %8.2f s  (%.3fx)   cpu %8.2f s  (%.3fx)\n", names[v], sum[v][0], sum[v][0] / sum[0][0],
                  sum[v][1], sum[v][1] / sum[0][1]);
    if (runs)
      std::printf("  trace bytes per test run: mean %.0f, max %llu\n", double(traceBytes) / runs,
                  (unsigned long long)traceMax);
  }
  fs::remove_all(traceRoot);
  return 0;
}
