// The simple allocator: one experiment per reachable fault on its best-covering test.
#include <algorithm>
#include <random>

#include "campaign/allocator.h"
#include "campaign/fault_candidates.h"

namespace csnake {

namespace {

class SimpleAllocator : public Allocator {
 public:
  std::string name() const override { return "simple"; }

  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t maxExperiments) override {
    std::vector<ExperimentPlan> plans;
    for (const FaultCandidate &c : faultCandidates(ctx)) {
      if (c.tests.empty()) continue;
      std::string why = c.delay ? "delay candidate loop; its best-covering test" : "reached in the profile; its best-covering test";
      plans.push_back(planFor(ctx, c, c.tests.front(), ctx.options.delaysMs.front(), name(), "simple", why, 1));
    }
    std::mt19937_64 rng(ctx.options.seed);
    std::shuffle(plans.begin(), plans.end(), rng);
    return plans;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeSimpleAllocator() { return std::make_unique<SimpleAllocator>(); }

std::unique_ptr<Allocator> makeAllocator(const std::string &name) {
  if (name == "simple") return makeSimpleAllocator();
  if (name == "random") return makeRandomAllocator();
  if (name == "coverage") return makeCoverageAllocator();
  if (name == "3pa") return makeThreePhaseAllocator();
  return nullptr;
}

std::vector<std::string> allocatorNames() { return {"3pa", "coverage", "random", "simple"}; }

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
  // Longest matching prefix after stripping fortify/positional decorations: "__recv_chk"
  // -> recv, "pread64" -> read, "sendto" -> send.
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
