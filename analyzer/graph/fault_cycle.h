// The unit of csnake's output: a fault cycle, the faults of a self-sustaining cascade in
// cycle order. Many chains (the effect loops, edges, tests and runs that connect one fault
// to the next) may stand behind one fault cycle; they are its evidence, not separate
// findings (docs/analyzer.md §3, "Fault cycles").
//
// Its key is built from stable site ids only (site, context, kind, delay or not), in the
// rotation that starts at the smallest fault, so the same cycle has the same id across
// campaigns, seeds, experiment orders and rebuilds that do not touch its sites.
#pragma once

#include <string>
#include <vector>

#include "graph/causal_graph.h"

namespace csnake::analyzer {

struct FaultCycleKey {
  std::vector<size_t> order;  // positions of the input faults, in canonical rotation
  std::string key;            // "KIND site@context | ..." in that order
  std::string id;             // "fc" + 16 hex digits of a 64-bit FNV-1a of `key`
};

// `faults`: the cycle's fault vertices in cycle order (any rotation).
FaultCycleKey faultCycleKeyOf(const std::vector<const FaultVertex *> &faults);

}  // namespace csnake::analyzer
