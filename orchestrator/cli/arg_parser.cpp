#include "cli/arg_parser.h"

#include <cstdio>
#include <cstdlib>

namespace csnake::cli {

int ArgParser::usageError(const std::string &problem) const {
  std::fprintf(stderr, "csnake %s: %s\n%s", command_.c_str(), problem.c_str(), usage_);
  return 2;
}

int ArgParser::parse(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage_, stdout);
      return 0;
    }
    bool matched = false;
    for (auto &[name, out] : flags_)
      if (a == name) *out = matched = true;
    if (matched) continue;
    for (auto &[name, out] : values_) {
      if (a == name) {
        if (i + 1 >= argc) return usageError(name + " needs a value");
        *out = argv[++i];
        matched = true;
      } else if (a.rfind(name + "=", 0) == 0) {
        *out = a.substr(name.size() + 1);
        matched = true;
      }
      if (matched) break;
    }
    if (matched) continue;
    if (a.size() > 1 && a[0] == '-') return usageError("unknown option '" + a + "'");
    if (!positional_) return usageError("unexpected argument '" + a + "'");
    positional_->push_back(a);
  }
  return -1;
}

bool parseCount(const std::string &text, int64_t &out) {
  if (text.empty()) return false;
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end || v < 0) return false;
  out = v;
  return true;
}

bool parseList(const std::string &text, std::vector<double> &out) {
  out.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char *end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end) return false;
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

bool parseDuration(const std::string &text, double &seconds) {
  if (text.empty()) return false;
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end;
  if (v < 0 || end == text.c_str()) return false;
  if (unit.empty() || unit == "s") seconds = v;
  else if (unit == "m") seconds = v * 60;
  else if (unit == "h") seconds = v * 3600;
  else return false;
  return true;
}

}  // namespace csnake::cli
