//===- SiteDetail.cpp - the `detail` string of a site ---------------------===//
//
// Purpose: see SiteDetail.h. Only the standard library and abi.h: this file is also
// compiled into the analyzer's unit tests.
//
//===----------------------------------------------------------------------===//
#include "SiteDetail.h"

#include "csnake/abi.h"

#include <algorithm>
#include <iterator>

namespace csnake {

bool isWritableKey(const DetailKey &Key) {
  static const char *const Preds[] = {CSNAKE_DETAIL_PREDS};
  if (Key.Operand.empty() || Key.Operand.size() > CSNAKE_DETAIL_OPERAND_MAX)
    return false;
  // The operand runs up to the next separator: one inside it would cut it short. A NUL
  // would end the C string in the site table.
  if (Key.Operand.find(CSNAKE_DETAIL_SEP) != std::string::npos ||
      Key.Operand.find('\0') != std::string::npos)
    return false;
  return std::find(std::begin(Preds), std::end(Preds), Key.Pred) != std::end(Preds);
}

std::string siteDetail(std::string_view Text, const std::optional<DetailKey> &Key) {
  // The text is display only, so a separator in it is replaced rather than refused: the
  // first separator of a detail must be the key's.
  std::string D(Text);
  for (char &C : D)
    if (C == CSNAKE_DETAIL_SEP || C == '\0')
      C = CSNAKE_DETAIL_TEXT_ESCAPE;
  if (!Key || !isWritableKey(*Key))
    return D;
  auto Field = [&](const char *Name, const std::string &Value) {
    D += CSNAKE_DETAIL_SEP;
    D += Name;
    D += CSNAKE_DETAIL_ASSIGN;
    D += Value;
  };
  Field(CSNAKE_DETAIL_KEY_OP, Key->Operand);
  Field(CSNAKE_DETAIL_KEY_PRED, Key->Pred);
  Field(CSNAKE_DETAIL_KEY_K, std::to_string(Key->K));
  return D;
}

} // namespace csnake
