#include "graph/fault_cycle.h"

#include <cstdint>
#include <cstdio>

namespace csnake::analyzer {

namespace {

std::string tokenOf(const FaultVertex &v) {
  std::string kind = v.kind.empty() ? (v.delay ? "LOOP" : "ERROR") : v.kind;
  return kind + " " + v.site + "@" + v.context;
}

uint64_t fnv1a64(const std::string &bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

FaultCycleKey faultCycleKeyOf(const std::vector<const FaultVertex *> &faults) {
  FaultCycleKey k;
  size_t n = faults.size();
  std::vector<std::string> tokens;
  tokens.reserve(n);
  for (const FaultVertex *v : faults) tokens.push_back(tokenOf(*v));
  // The smallest rotation of the token sequence (a fault may not repeat in a simple cycle,
  // but the comparison does not rely on it).
  size_t best = 0;
  for (size_t r = 1; r < n; ++r)
    for (size_t i = 0; i < n; ++i) {
      const std::string &a = tokens[(r + i) % n], &b = tokens[(best + i) % n];
      if (a == b) continue;
      if (a < b) best = r;
      break;
    }
  for (size_t i = 0; i < n; ++i) {
    size_t p = (best + i) % n;
    k.order.push_back(p);
    k.key += (i ? " | " : "") + tokens[p];
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(k.key)));
  k.id = std::string("fc") + hex;
  return k;
}

}  // namespace csnake::analyzer
