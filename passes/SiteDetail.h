//===- SiteDetail.h - the `detail` string of a site -----------------------===//
//
// Purpose: the one producer of csnake_site_record.detail, in the grammar written down
// in abi.h ("csnake_site_record.detail: grammar"): a display text, then, for branch
// sites whose compared value OperandKey can name exactly, "|op=..|pred=..|k=..". The
// analyzer's one parser is analyzer/compat/operand_key.cpp; a unit test round-trips
// both (tests/unit/analyzer/site_detail_test.cpp), so this file is free of LLVM on
// purpose: the test compiles it without the plugin.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_SITEDETAIL_H
#define CSNAKE_PASS_SITEDETAIL_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csnake {

/// The machine-readable part of a branch site's detail: the branch condition is true
/// iff (Operand Pred K).
struct DetailKey {
  std::string Operand; // e.g. "this.field@16:Node"
  std::string Pred;    // an icmp predicate name: one of CSNAKE_DETAIL_PREDS
  int64_t K = 0;
};

/// \p Text (a '|' or NUL in it written as CSNAKE_DETAIL_TEXT_ESCAPE), followed by the
/// key when \p Key is given and writable as is; a key that is not (empty or over-long
/// operand, a '|' or NUL in it, an unknown predicate) is left out, never escaped.
std::string siteDetail(std::string_view Text,
                       const std::optional<DetailKey> &Key = std::nullopt);

/// Whether siteDetail writes \p Key (the refusal rule above, on its own).
bool isWritableKey(const DetailKey &Key);

} // namespace csnake

#endif
