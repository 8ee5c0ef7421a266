// The machine-readable part of a BRANCH / THROW / ERROR_RETURN site's `detail`: the one
// parser of the detail grammar written down in runtime/include/csnake/abi.h
// ("csnake_site_record.detail: grammar"; its one producer is passes/SiteDetail.cpp, and
// tests/unit/analyzer/site_detail_test.cpp round-trips the two):
//   "<text>|op=<operand key>|pred=<eq|ne|slt|sle|sgt|sge|ult|ule|ugt|uge>|k=<int>"
// e.g. "retries_ > 3|op=this.field@16:Node|pred=sgt|k=3". Operand keys:
// "this.field@<offset>:<Class>", "global:<name>", "arg#<n>:<hash>", "load:<...>"
// (docs/instrumentation.md "Operand keys", docs/analyzer.md §4). The branch's condition
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

// The human-readable text (the detail up to its first separator, i.e. without the key).
std::string conditionText(const std::string &detail);
// The key, or nothing when the detail has none or it does not follow the grammar exactly
// (a malformed key is treated as absent: the check is then boolean-only for that site).
std::optional<OperandKey> parseOperandKey(const std::string &detail);

}  // namespace csnake::analyzer
