#include "compat/operand_key.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <string_view>

#include "csnake/abi.h"

namespace csnake::analyzer {

namespace {

// Consumes "|<name>=<value>" from the front of `rest`; the value runs to the next
// separator (the grammar forbids one inside a value).
bool takeField(std::string_view &rest, const char *name, std::string_view &value) {
  std::string head(1, CSNAKE_DETAIL_SEP);
  head += name;
  head += CSNAKE_DETAIL_ASSIGN;
  if (rest.substr(0, head.size()) != head) return false;
  rest.remove_prefix(head.size());
  value = rest.substr(0, rest.find(CSNAKE_DETAIL_SEP));
  rest.remove_prefix(value.size());
  return true;
}

// int = ["-"] 1*DIGIT, within int64.
std::optional<int64_t> parseInt(std::string_view s) {
  std::string_view digits = s.substr(!s.empty() && s[0] == '-' ? 1 : 0);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::string text(s);
  errno = 0;
  long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return static_cast<int64_t>(v);
}

}  // namespace

std::string conditionText(const std::string &detail) { return detail.substr(0, detail.find(CSNAKE_DETAIL_SEP)); }

std::optional<OperandKey> parseOperandKey(const std::string &detail) {
  static const char *const kPreds[] = {CSNAKE_DETAIL_PREDS};
  size_t bar = detail.find(CSNAKE_DETAIL_SEP);
  if (bar == std::string::npos) return std::nullopt;
  std::string_view rest(detail);
  rest.remove_prefix(bar);
  std::string_view op, pred, k;
  if (!takeField(rest, CSNAKE_DETAIL_KEY_OP, op) || !takeField(rest, CSNAKE_DETAIL_KEY_PRED, pred) ||
      !takeField(rest, CSNAKE_DETAIL_KEY_K, k) || !rest.empty())
    return std::nullopt;
  if (op.empty() || op.size() > CSNAKE_DETAIL_OPERAND_MAX) return std::nullopt;
  if (std::find(std::begin(kPreds), std::end(kPreds), pred) == std::end(kPreds)) return std::nullopt;
  auto constant = parseInt(k);
  if (!constant) return std::nullopt;
  return OperandKey{std::string(op), std::string(pred), *constant};
}

}  // namespace csnake::analyzer
