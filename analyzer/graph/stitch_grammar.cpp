#include "graph/stitch_grammar.h"

namespace csnake::analyzer {

const char *stitchGrammarName(StitchGrammar g) { return g == StitchGrammar::Broad ? "broad" : "reference"; }

bool parseStitchGrammar(const std::string &s, StitchGrammar &out) {
  if (s == "reference")
    out = StitchGrammar::Reference;
  else if (s == "broad")
    out = StitchGrammar::Broad;
  else
    return false;
  return true;
}

}  // namespace csnake::analyzer
