#include "compat/operand_key.h"

#include <cstdlib>
#include <set>

namespace csnake::analyzer {

std::string conditionText(const std::string &detail) {
  size_t bar = detail.find("|op=");
  return bar == std::string::npos ? detail : detail.substr(0, bar);
}

std::optional<OperandKey> parseOperandKey(const std::string &detail) {
  static const std::set<std::string> kPreds = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
  size_t bar = detail.find("|op=");
  if (bar == std::string::npos) return std::nullopt;
  OperandKey k;
  bool havePred = false, haveK = false;
  size_t pos = bar + 1;
  while (pos < detail.size()) {
    size_t end = detail.find('|', pos);
    std::string field = detail.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t eq = field.find('=');
    if (eq != std::string::npos) {
      std::string name = field.substr(0, eq), value = field.substr(eq + 1);
      if (name == "op") k.operand = value;
      else if (name == "pred") {
        k.pred = value;
        havePred = kPreds.count(value) != 0;
      } else if (name == "k") {
        char *e = nullptr;
        k.constant = std::strtoll(value.c_str(), &e, 10);
        haveK = !value.empty() && e && *e == 0;
      }
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  if (k.operand.empty() || !havePred || !haveK) return std::nullopt;
  return k;
}

}  // namespace csnake::analyzer
