#include "catalog/test_code.h"

#include <cctype>
#include <filesystem>

namespace csnake {

namespace {

std::string lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool isTestSourcePath(const std::string &file) {
  if (file.empty()) return false;
  std::filesystem::path p(file);
  for (auto it = p.begin(); it != p.end(); ++it) {
    if (std::next(it) == p.end()) break;  // the file name itself is judged below
    std::string d = lower(it->string());
    if (d == "test" || d == "tests" || d == "testing" || d == "unittest" || d == "unittests" || d == "testsuite" ||
        d == "gtest" || d == "googletest" || d == "googlemock")
      return true;
  }
  std::string stem = p.stem().string(), l = lower(stem);
  if (endsWith(l, "_test") || endsWith(l, "_tests") || endsWith(l, "_unittest") || endsWith(l, "-test")) return true;
  if (l.rfind("test_", 0) == 0 || l.rfind("tst_", 0) == 0) return true;
  // CamelCase: FooTest, FooTests (not "Contest", "Latest": the T must start a word).
  for (const std::string &w : {std::string("Test"), std::string("Tests")})
    if (stem.size() > w.size() && endsWith(stem, w) &&
        std::islower(static_cast<unsigned char>(stem[stem.size() - w.size() - 1])))
      return true;
  return false;
}

}  // namespace csnake
