// A fresh directory under /tmp for one test, removed with everything in it (also after
// the test made parts of it read-only). Shared by the unit tests, so each does not keep
// its own copy.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace csnake::testing {

struct TempDir {
  std::filesystem::path path;

  explicit TempDir(const std::string &prefix = "csnake") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string file(const std::string &name) const { return (path / name).string(); }
};

}  // namespace csnake::testing
