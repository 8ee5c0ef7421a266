// Helpers for end-to-end tests: run a command (argv, no shell) capturing its output,
// temporary directories, reading a campaign database.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace e2e {

struct Result {
  int status = -1;  // exit code, or 128 + signal
  std::string out, err;
};

Result run(const std::vector<std::string> &argv, double timeoutSeconds = 600);
// Starts in the background (own process group); returns the pid.
pid_t start(const std::vector<std::string> &argv, const std::string &logPath);
int wait(pid_t pid);

struct TempDir {
  std::string path;
  TempDir();
  ~TempDir();
};

void writeFile(const std::string &path, const std::string &content);
// One row per result row, columns joined by '|'.
std::vector<std::string> query(const std::string &db, const std::string &sql);
nlohmann::json status(const std::string &db);
bool processAlive(const std::string &argvSubstring);

}  // namespace e2e
