//===- ConditionText.h - a branch condition as short C-like text ----------===//
//
// Purpose: the human-readable part of a branch site's `detail` ("rc < 0", "!ok()",
// "p == nullptr", "retries_ > 3"): a best-effort rendering of the condition from
// pipeline-start IR and its debug info, for catalogues and reports only (it is not part
// of the site id and the analyzer never reads it). The machine-readable part comes from
// OperandKey; SiteDetail joins the two.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_CONDITIONTEXT_H
#define CSNAKE_PASS_CONDITIONTEXT_H

#include <string>

namespace llvm {
class Value;
} // namespace llvm

namespace csnake {

/// Short C-like rendering of a branch condition, at most 120 characters (longer ones are
/// cut to 117 and end in "...").
std::string renderCondition(llvm::Value *Cond);

} // namespace csnake

#endif
