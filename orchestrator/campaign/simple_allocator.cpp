// The simple allocator: one experiment per reachable fault on its best-covering test.
// It is the baseline the three-phase allocator is measured against.
#include <algorithm>
#include <random>

#include "campaign/allocator.h"

namespace csnake {

namespace {

class SimpleAllocator : public Allocator {
 public:
  std::string name() const override { return "simple"; }

  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t maxExperiments) override {
    std::vector<ExperimentPlan> plans;
    auto bestTest = [](const std::map<int64_t, FaultCoverage> &byTest) {
      int64_t best = 0;
      FaultCoverage bc;
      for (const auto &[test, c] : byTest)
        if (!best || c.repeatsReached > bc.repeatsReached ||
            (c.repeatsReached == bc.repeatsReached && c.reachCount > bc.reachCount))
          best = test, bc = c;
      return std::make_pair(best, bc);
    };
    for (const auto &[fault, byTest] : ctx.profile.faults) {
      const FaultSite *site = ctx.sites.find(fault.first);
      if (!site || !site->injectable() || site->kind == SiteKind::Loop) continue;
      auto [test, cov] = bestTest(byTest);
      ExperimentPlan p;
      p.testId = test;
      p.fault = fault.first;
      p.context = fault.second;
      p.mode = "once";
      if (site->kind == SiteKind::Libcall) p.errnoName = defaultErrnoFor(site->detail);
      p.allocator = name();
      p.phase = "simple";
      p.reason = "reached in " + std::to_string(cov.repeatsReached) + " profile repeat(s), " +
                 std::to_string(cov.reachCount) + " time(s)";
      p.score = cov.repeatsReached;
      plans.push_back(p);
    }
    for (const auto &[loop, byTest] : ctx.profile.loops) {
      const FaultSite *site = ctx.sites.find(loop);
      if (!site || !site->delayCandidate()) continue;
      auto [test, cov] = bestTest(byTest);
      ExperimentPlan p;
      p.testId = test;
      p.fault = p.context = loop;
      p.mode = "always";
      p.delayMs = ctx.delayMs;
      p.allocator = name();
      p.phase = "simple";
      p.reason = "loop ran " + std::to_string(cov.reachCount) + " iteration(s) in " +
                 std::to_string(cov.repeatsReached) + " profile repeat(s)";
      p.score = cov.repeatsReached;
      plans.push_back(p);
    }
    std::mt19937_64 rng(ctx.seed);
    std::shuffle(plans.begin(), plans.end(), rng);
    if (static_cast<int64_t>(plans.size()) > maxExperiments) plans.resize(static_cast<size_t>(std::max<int64_t>(0, maxExperiments)));
    return plans;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeSimpleAllocator() { return std::make_unique<SimpleAllocator>(); }

std::unique_ptr<Allocator> makeAllocator(const std::string &name) {
  if (name == "simple") return makeSimpleAllocator();
  return nullptr;
}

std::vector<std::string> allocatorNames() { return {"simple"}; }

std::string defaultErrnoFor(const std::string &callee) {
  static const std::pair<const char *, const char *> table[] = {
      {"connect", "ECONNREFUSED"}, {"accept", "ECONNABORTED"}, {"send", "ECONNRESET"},  {"recv", "ECONNRESET"},
      {"read", "EIO"},             {"write", "EIO"},           {"open", "EACCES"},      {"creat", "EACCES"},
      {"fopen", "EACCES"},         {"fsync", "EIO"},           {"fdatasync", "EIO"},    {"poll", "EINTR"},
      {"select", "EINTR"},         {"epoll_wait", "EINTR"},    {"socket", "EMFILE"},    {"bind", "EADDRINUSE"},
      {"listen", "EADDRINUSE"},    {"close", "EIO"},           {"rename", "EIO"},       {"unlink", "EACCES"},
      {"mkdir", "ENOSPC"},         {"ftruncate", "EIO"},       {"setsockopt", "EINVAL"}, {"fflush", "EIO"},
      {"fclose", "EIO"},
  };
  // Longest matching prefix after stripping fortify/64-bit decorations: "__recv_chk" ->
  // recv, "pread64" -> read family, "sendto" -> send.
  std::string name = callee;
  if (name.rfind("__", 0) == 0) name = name.substr(2);
  size_t best = 0;
  const char *out = "EIO";
  for (const auto &[prefix, err] : table) {
    std::string p = prefix;
    if (name.rfind(p, 0) == 0 && p.size() > best) best = p.size(), out = err;
    if (name.size() > 1 && name[0] == 'p' && name.rfind("p" + p, 0) == 0 && p.size() + 1 > best) best = p.size() + 1, out = err;
  }
  return out;
}

}  // namespace csnake
