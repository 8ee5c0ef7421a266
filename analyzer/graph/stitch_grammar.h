// Which chains the stitching grammar admits (docs/analyzer.md §3, "Reference rules").
//
// `reference` (the default) follows the CSnake reference implementation:
//   - an S+ effect caused by a *delay* fault does not continue the chain as another delay.
//     A delay makes the test last longer, so every loop paced by a clock or a timer
//     iterates more; taken as "slowness", that S+ would feed a new delay, and chains of
//     delays would close through any two timers of the target.
//   - no loop twice in one cycle: a cycle visits each loop (a fault's context; a delay
//     fault's own loop) once. A chain that comes back to a loop it already crossed is a
//     shorter cycle plus a detour.
// `broad` is the grammar csnake used before (any S+ continues as a delay; loops may
// repeat), kept to compare (`csnake analyze --grammar broad`).
#pragma once

#include <string>

namespace csnake::analyzer {

enum class StitchGrammar { Reference, Broad };
const char *stitchGrammarName(StitchGrammar g);  // "reference", "broad"
bool parseStitchGrammar(const std::string &s, StitchGrammar &out);

}  // namespace csnake::analyzer
