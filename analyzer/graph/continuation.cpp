#include "graph/continuation.h"

namespace csnake::analyzer {

const char *continuationRuleName(ContinuationRule r) { return r == ContinuationRule::Any ? "any" : "reach"; }

bool parseContinuationRule(const std::string &s, ContinuationRule &out) {
  if (s == "reach")
    out = ContinuationRule::Reach;
  else if (s == "any")
    out = ContinuationRule::Any;
  else
    return false;
  return true;
}

bool failsOnItsOwn(const CausalEdge &edge, const SiteRef &gSite) { return edge.failed.count(gSite) != 0; }

bool continues(const CausalEdge &edge, const SiteRef &gSite, const std::string &gKind, ContinuationRule rule) {
  if (rule == ContinuationRule::Any) return true;
  if (failsOnItsOwn(edge, gSite)) return true;
  if (gKind == "LIBCALL") return false;  // an environment failure must happen on its own
  return edge.reached.count(gSite) != 0;
}

}  // namespace csnake::analyzer
