// Bounded simple-cycle search over the stitching graph, canonical rotation, and the
// collapsing of near-identical cycles (docs/analyzer.md §3).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "graph/causal_graph.h"

namespace csnake::analyzer {

struct ChainSearchOptions {
  int maxLength = 6;          // transitions per cycle
  int maxDelays = 3;          // delay faults per cycle
  size_t maxCycles = 200000;  // stop (and say so) after this many
  int threads = 2;
  // Each loop (a fault's context; a delay fault's own loop) at most once per cycle: the
  // reference grammar (graph/stitch_grammar.h).
  bool distinctLoops = true;
  // Set by the caller (SIGINT/SIGTERM): the search stops early, `stats.cancelled` says so.
  const std::atomic<bool> *cancel = nullptr;
};

struct FoundCycle {
  std::vector<size_t> transitions;  // in canonical rotation: starts at the smallest vertex
  int delays = 0;
  std::string canonical;    // the vertex/edge sequence, unique per cycle
  std::string collapseKey;  // the minimal rotation of the (effect loop, edge type) sequence
  std::vector<size_t> faults;  // the vertices in cycle order, from the canonical start
};

struct ChainSearchStats {
  size_t vertices = 0, transitions = 0, components = 0, cyclicVertices = 0;
  size_t cycles = 0, groups = 0;
  bool truncated = false, cancelled = false;
  double seconds = 0;
};

class ChainSearch {
 public:
  ChainSearch(const CausalGraph &graph, const std::vector<CausalEdge> &edges, ChainSearchOptions opts)
      : graph_(graph), edges_(edges), opts_(opts) {}
  // Every simple cycle within the bounds, each once, sorted by canonical string.
  std::vector<FoundCycle> run(ChainSearchStats &stats) const;

  std::string canonicalOf(const std::vector<size_t> &transitions) const;
  std::string collapseKeyOf(const std::vector<size_t> &transitions) const;

 private:
  const CausalGraph &graph_;
  const std::vector<CausalEdge> &edges_;
  ChainSearchOptions opts_;
};

// Groups of cycles with the same collapse key (indices into `cycles`), groups ordered by
// their first member.
std::vector<std::vector<size_t>> collapseCycles(const std::vector<FoundCycle> &cycles);

}  // namespace csnake::analyzer
