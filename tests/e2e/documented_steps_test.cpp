// Every documented step of every bundled target, reproduced by hand with `csnake exec`:
// the step's test run without a fault (kProfileRuns times) and with the step's cause
// injected (kInjectionRuns times), each traced, and the documented effect asserted on the
// effect loop of the traces:
//   - S+: the loop's iterations (summed over call sites, nodes and open invocations) are
//     higher on average over the injection runs than in any profile run (a retry that
//     resends only when the reset hit an answered call does not do so in every run);
//   - E:  a path signature of the loop, or a fault event in the loop's context (other than
//     the injected fault), occurs in every injection run and in no profile run.
// These are stricter forms of FCA's rules (no statistics), so a step that passes here is
// one a campaign can learn; it does not depend on the allocator, the analysis or stitching.
//
// A step is injected as cascades.json says ("injection": error | throw | delay |
// libcall:ERRNO, in the cause's context), on its first test, from the first opportunity,
// unless the step has a "reproduce" object: {"test": NAME, "skip": N, "delay_ms": N}. A
// skip is there when the effect depends on the moment (documented next to it).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "bundled_targets.h"
#include "e2e_util.h"

using e2e::findSite;
using e2e::locOf;
using e2e::Result;
using e2e::run;
using e2e::Target;

namespace {

constexpr int kProfileRuns = 3, kInjectionRuns = 3;
constexpr int kDefaultDelayMs = 300;

struct Step {
  Target target;
  std::string cascade;
  int index = 0;  // 1-based
  nlohmann::json step;
};

void PrintTo(const Step &s, std::ostream *os) { *os << s.target.name << " " << s.cascade << " step " << s.index; }

std::vector<Step> documentedSteps() {
  std::vector<Step> out;
  for (const Target &t : e2e::bundledTargets()) {
    std::ifstream in(t.cascadesJson);
    nlohmann::json cascades = nlohmann::json::parse(in, nullptr, false);
    if (!cascades.is_object()) continue;  // reported by the ground-truth test
    for (const auto &c : cascades["cascades"]) {
      int i = 0;
      for (const auto &st : c["steps"]) out.push_back({t, c["id"].get<std::string>(), ++i, st});
    }
  }
  return out;
}

// What one traced run shows of one loop.
struct LoopView {
  uint64_t iterations = 0;
  std::set<std::string> paths;   // path signatures
  std::set<std::string> events;  // sites with occurred > 0 in the loop's context
};

LoopView viewOf(const nlohmann::json &trace, const std::string &loop, const std::string &injected) {
  LoopView v;
  for (const auto &l : trace["loops"]) {
    if (l.value("loop", "") != loop) continue;
    v.iterations += l.value("iterations", uint64_t{0}) + l.value("open_iterations", uint64_t{0});
    for (const auto &p : l["paths"]) v.paths.insert(p.value("pathsig", ""));
  }
  for (const auto &e : trace["events"])
    if (e.value("context", "") == loop && e.value("occur", 0) > 0 && e.value("injected", 0) == 0 &&
        e.value("site", "") != injected)
      v.events.insert(e.value("site", ""));
  return v;
}

// Members of every set in `in` and of no set in `out`.
std::set<std::string> onlyIn(const std::vector<std::set<std::string>> &in,
                             const std::vector<std::set<std::string>> &out) {
  std::set<std::string> r = in.empty() ? std::set<std::string>{} : in.front();
  for (const auto &s : in) {
    std::set<std::string> keep;
    for (const std::string &x : r)
      if (s.count(x)) keep.insert(x);
    r = keep;
  }
  for (const auto &s : out)
    for (const std::string &x : s) r.erase(x);
  return r;
}

class DocumentedStep : public ::testing::TestWithParam<Step> {
 protected:
  // The trace of one run of `test` with `fault` ({} = none), as `csnake trace --json`.
  nlohmann::json traced(const Target &t, const std::string &test, const std::vector<std::string> &fault) {
    e2e::TempDir dir;
    std::vector<std::string> argv{CSNAKE_BIN, "exec"};
    argv.insert(argv.end(), fault.begin(), fault.end());
    argv.insert(argv.end(), {"--trace-out", dir.path + "/trace", "--", t.testBinaryPath(), "--gtest_filter=" + test});
    Result r = run(argv, 120);
    EXPECT_LT(r.status, 128) << "the test crashed or hung: " << r.err;
    Result tr = run({CSNAKE_BIN, "trace", dir.path + "/trace", "--json"});
    EXPECT_EQ(tr.status, 0) << tr.err;
    return nlohmann::json::parse(tr.out, nullptr, false);
  }
};

TEST_P(DocumentedStep, Reproduces) {
  const Step &s = GetParam();
  Result sr = run({CSNAKE_BIN, "sites", s.target.testBinaryPath(), "--json"});
  ASSERT_EQ(sr.status, 0) << sr.err;
  nlohmann::json sites = nlohmann::json::parse(sr.out);
  const nlohmann::json &cause = s.step["cause"];
  std::string fault = findSite(sites, cause["kind"], locOf(cause));
  ASSERT_FALSE(fault.empty()) << "cause not in the catalogue: " << locOf(cause).str();
  std::string effectLoop = findSite(sites, "LOOP", locOf(s.step["effect"]["loop"]));
  ASSERT_FALSE(effectLoop.empty()) << "effect loop not in the catalogue: " << locOf(s.step["effect"]["loop"]).str();

  nlohmann::json how = s.step.value("reproduce", nlohmann::json::object());
  std::string test = how.value("test", s.step["tests"][0].get<std::string>());
  std::vector<std::string> arm{"--fault", fault};
  std::string injection = cause.value("injection", "");
  if (cause.contains("context")) {
    std::string ctx = findSite(sites, "LOOP", locOf(cause["context"]));
    ASSERT_FALSE(ctx.empty()) << "context loop not in the catalogue: " << locOf(cause["context"]).str();
    arm.insert(arm.end(), {"--context", ctx});
  }
  if (injection == "delay")
    arm.insert(arm.end(), {"--delay-ms", std::to_string(how.value("delay_ms", kDefaultDelayMs)), "--mode", "always"});
  if (injection.rfind("libcall:", 0) == 0) arm.insert(arm.end(), {"--errno", injection.substr(8)});
  if (how.contains("skip")) arm.insert(arm.end(), {"--skip", std::to_string(how["skip"].get<int>())});

  std::vector<LoopView> profile, injected;
  for (int i = 0; i < kProfileRuns; ++i) profile.push_back(viewOf(traced(s.target, test, {}), effectLoop, fault));
  for (int i = 0; i < kInjectionRuns; ++i) {
    nlohmann::json trace = traced(s.target, test, arm);
    EXPECT_TRUE(trace["receipt"].value("fired", false)) << "the fault never fired in " << test;
    injected.push_back(viewOf(trace, effectLoop, fault));
  }

  std::string type = s.step["effect"]["type"];
  std::string seen;
  for (const LoopView &v : profile) seen += " " + std::to_string(v.iterations);
  seen += " |";
  for (const LoopView &v : injected) seen += " " + std::to_string(v.iterations);
  if (type == "S+") {
    uint64_t maxProfile = 0, sumInjected = 0;
    for (const LoopView &v : profile) maxProfile = std::max(maxProfile, v.iterations);
    for (const LoopView &v : injected) sumInjected += v.iterations;
    EXPECT_GT(static_cast<double>(sumInjected) / kInjectionRuns, static_cast<double>(maxProfile))
        << "iterations of " << locOf(s.step["effect"]["loop"]).str() << " (profile | injection):" << seen;
  } else {
    std::vector<std::set<std::string>> pp, ip, pe, ie;
    for (const LoopView &v : profile) pp.push_back(v.paths), pe.push_back(v.events);
    for (const LoopView &v : injected) ip.push_back(v.paths), ie.push_back(v.events);
    size_t newPaths = onlyIn(ip, pp).size(), newEvents = onlyIn(ie, pe).size();
    EXPECT_GT(newPaths + newEvents, 0u) << "no new path or event in " << locOf(s.step["effect"]["loop"]).str()
                                        << " in every injection run (iterations, profile | injection:" << seen
                                        << ")";
  }
  std::printf("[documented step] %s %s #%d (%s): reproduced with %s, iterations profile | injection:%s\n",
              s.target.name.c_str(), s.cascade.c_str(), s.index, type.c_str(), test.c_str(), seen.c_str());
}

std::string stepName(const ::testing::TestParamInfo<Step> &info) {
  std::string n = info.param.target.name + "_" + info.param.cascade + "_" + std::to_string(info.param.index);
  for (char &c : n)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Targets, DocumentedStep, ::testing::ValuesIn(documentedSteps()), stepName);
