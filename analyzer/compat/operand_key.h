// The machine-readable part of a BRANCH / THROW / ERROR_RETURN site's `detail`, written by
// the pass when it can name the value a branch compares with a constant:
//   "<rendered condition>|op=<operand key>|pred=<eq|ne|slt|sle|sgt|sge|ult|ule|ugt|uge>|k=<int>"
// e.g. "retries_ > 3|op=this.field@16|pred=sgt|k=3". Operand keys: "this.field@<offset>",
// "global:<name>", "arg#<n>", "load:<...>" (docs/analyzer.md §4). The branch's condition
// is true iff (operand pred k).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace csnake::analyzer {

struct OperandKey {
  std::string operand, pred;
  int64_t constant = 0;
};

// The human-readable condition (the detail without the machine-readable suffix).
std::string conditionText(const std::string &detail);
std::optional<OperandKey> parseOperandKey(const std::string &detail);

}  // namespace csnake::analyzer
