// Stitching benchmark: a synthetic causal graph of N edges (default 100k) searched within
// the default bounds (length 6, 3 delay faults) on T threads (default 2). Prints figures.
//   bench_stitching [--edges N] [--loops N] [--faults-per-loop N] [--threads T] [--seed S]
//                   [--max-length N] [--max-cycles N (default: the analyzer's, 200000)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>

#include "graph/causal_graph.h"
#include "graph/chain_search.h"

using namespace csnake;
using namespace csnake::analyzer;

int main(int argc, char **argv) {
  size_t nEdges = 100000, nLoops = 20000, faultsPerLoop = 2;
  int threads = 2, maxLength = 6, maxDelays = 3;
  unsigned seed = 1;
  size_t maxCycles = ChainSearchOptions{}.maxCycles;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    long v = std::strtol(argv[i + 1], nullptr, 10);
    if (a == "--edges")
      nEdges = static_cast<size_t>(v);
    else if (a == "--loops")
      nLoops = static_cast<size_t>(v);
    else if (a == "--faults-per-loop")
      faultsPerLoop = static_cast<size_t>(v);
    else if (a == "--threads")
      threads = static_cast<int>(v);
    else if (a == "--max-length")
      maxLength = static_cast<int>(v);
    else if (a == "--seed")
      seed = static_cast<unsigned>(v);
    else if (a == "--max-cycles")
      maxCycles = static_cast<size_t>(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  auto id = [](char tag, size_t n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%c%015zx", tag, n);
    return std::string(buf);
  };
  // Faults: per loop one delay fault (L, L) and `faultsPerLoop` error faults in context L.
  std::map<SiteRef, SiteInfo> sites;
  std::vector<std::pair<SiteRef, SiteRef>> faults;
  for (size_t l = 0; l < nLoops; ++l) {
    SiteRef loop = id('1', l);
    sites[loop] = SiteInfo{loop, "LOOP", "", "", "", 0, 0, ""};
    faults.emplace_back(loop, loop);
    for (size_t k = 0; k < faultsPerLoop; ++k) {
      SiteRef t = id('2', l * faultsPerLoop + k);
      sites[t] = SiteInfo{t, "THROW", "", "", "", 0, 0, ""};
      faults.emplace_back(t, loop);
    }
  }
  std::mt19937_64 rng(seed);
  std::set<std::tuple<SiteRef, SiteRef, SiteRef, int>> seen;
  std::vector<CausalEdge> edges;
  auto t0 = std::chrono::steady_clock::now();
  while (edges.size() < nEdges) {
    const auto &f = faults[rng() % faults.size()];
    // Effects are local: mostly into a loop near the cause's own loop (as in real systems,
    // where a fault disturbs the loops of its component), sometimes anywhere.
    size_t causeLoop = std::strtoull(f.second.c_str() + 3, nullptr, 16);
    size_t target = rng() % 4 ? (causeLoop + rng() % 64) % nLoops : rng() % nLoops;
    EffectType t = rng() % 3 == 0 ? EffectType::SPlus : EffectType::E;
    if (!seen.insert({f.first, f.second, id('1', target), static_cast<int>(t)}).second) continue;
    CausalEdge e;
    e.cause = f.first;
    e.causeContext = f.second;
    e.causeIsDelay = f.first == f.second;
    e.effect = id('1', target);
    e.type = t;
    e.tests = {static_cast<int64_t>(rng() % 50)};
    // The new behaviour reaches every error fault of the effect loop (the densest graph
    // the continuation rule allows; graph/continuation.h).
    if (t == EffectType::E)
      for (size_t k = 0; k < faultsPerLoop; ++k) e.reached.insert(id('2', target * faultsPerLoop + k));
    edges.push_back(std::move(e));
  }
  std::sort(edges.begin(), edges.end(), [](const CausalEdge &a, const CausalEdge &b) {
    return std::tie(a.cause, a.causeContext, a.effect, a.type) < std::tie(b.cause, b.causeContext, b.effect, b.type);
  });
  for (size_t i = 0; i < edges.size(); ++i) edges[i].id = static_cast<int64_t>(i + 1);
  auto t1 = std::chrono::steady_clock::now();
  CausalGraph g = CausalGraph::build(edges, sites);
  auto t2 = std::chrono::steady_clock::now();
  ChainSearchOptions o;
  o.threads = threads;
  o.maxLength = maxLength;
  o.maxDelays = maxDelays;
  o.maxCycles = maxCycles;
  ChainSearchStats st;
  std::vector<FoundCycle> cycles = ChainSearch(g, edges, o).run(st);
  auto t3 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("causal edges          %zu\n", edges.size());
  std::printf("fault vertices        %zu (on cycles: %zu)\n", st.vertices, st.cyclicVertices);
  std::printf("grammar transitions   %zu\n", st.transitions);
  std::printf("bounds                length <= %d, delays <= %d, %d thread(s)\n", maxLength, maxDelays, threads);
  std::printf("cycles found          %zu%s\n", st.cycles, st.truncated ? " (truncated)" : "");
  std::printf("collapsed groups      %zu\n", st.groups);
  std::printf("generate              %.2f s\n", secs(t0, t1));
  std::printf("build graph           %.2f s\n", secs(t1, t2));
  std::printf("search + canonicalise %.2f s\n", secs(t2, t3));
  std::printf("total                 %.2f s  (%s the 60 s target)\n", secs(t1, t3),
              secs(t1, t3) < 60 ? "within" : "OVER");
  return 0;
}
