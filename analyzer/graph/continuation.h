// The continuation rule of the stitching grammar: may an E edge into loop L continue with
// the error fault g injected in context L?
//
// DESIGN §3.6 says "E into L -> an error fault in context L". Taken literally, any error
// fault of L continues any E effect into L, and environment failures make false cycles:
// a failed pwrite in a DataNode's receive loop feeds the client's recovery loop, which
// gives the receive loop a new path, and the literal grammar continues with "a failed
// pwrite in that loop" although nothing in the new behaviour makes the disk fail again.
// The `reach` rule (the default) asks the effect for evidence that it can lead to g:
//   - g is an environment failure (LIBCALL: the call's result is decided by the OS, the
//     network, the disk): the effect must show that failure happening on its own — a new
//     fault event at g's site, or an event decision at it in a new path (e.g. a slowed
//     peer makes recv time out). Only then did the chain, not the environment, cause it.
//   - g is a program-logic fault (THROW / ERROR_RETURN, and sites of unknown kind): the
//     effect's new behaviour must reach g's guard — g's site is decided in a new path, or
//     failed on its own. Whether the guard can take its fault side is then the Z3
//     junction check's question (compat/).
// `any` is the literal grammar, kept to compare (`csnake analyze --continuation any`).
#pragma once

#include <string>

#include "fca/causal_edge.h"

namespace csnake::analyzer {

enum class ContinuationRule { Reach, Any };
const char *continuationRuleName(ContinuationRule r);  // "reach", "any"
bool parseContinuationRule(const std::string &s, ContinuationRule &out);

// Whether the E edge's effect shows fault site g failing on its own (its `failed` set):
// an observed step of a cycle (analysis.cpp), and enough for any continuation.
bool failsOnItsOwn(const CausalEdge &edge, const SiteRef &gSite);

// `edge` is an E edge into g's context; `gSite`/`gKind` the error fault g.
bool continues(const CausalEdge &edge, const SiteRef &gSite, const std::string &gKind, ContinuationRule rule);

}  // namespace csnake::analyzer
