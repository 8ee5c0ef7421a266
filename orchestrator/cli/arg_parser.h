// Minimal option parsing shared by the subcommands: "--name VALUE" / "--name=VALUE"
// options, "--flag" switches and positional arguments, with one-line usage errors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace csnake::cli {

class ArgParser {
 public:
  ArgParser(std::string command, const char *usage) : command_(std::move(command)), usage_(usage) {}
  ArgParser &value(const char *name, std::string &out) {
    values_.emplace_back(name, &out);
    return *this;
  }
  ArgParser &flag(const char *name, bool &out) {
    flags_.emplace_back(name, &out);
    return *this;
  }
  ArgParser &positional(std::vector<std::string> &out) {
    positional_ = &out;
    return *this;
  }
  // -1 when parsing succeeded; otherwise the exit status to return (0 for --help).
  int parse(int argc, char **argv);
  int usageError(const std::string &problem) const;

 private:
  std::string command_;
  const char *usage_;
  std::vector<std::pair<std::string, std::string *>> values_;
  std::vector<std::pair<std::string, bool *>> flags_;
  std::vector<std::string> *positional_ = nullptr;
};

bool parseCount(const std::string &text, int64_t &out);
// "100,500" -> {100, 500}; false on anything that is not a comma-separated number list.
bool parseList(const std::string &text, std::vector<double> &out);
// "90", "90s", "30m", "2h", "1.5h" -> seconds.
bool parseDuration(const std::string &text, double &seconds);

}  // namespace csnake::cli
