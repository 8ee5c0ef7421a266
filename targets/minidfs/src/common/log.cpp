#include "common/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/node_name.h"

namespace minidfs {

namespace {

LogLevel configuredLevel() {
  const char *env = std::getenv("MINIDFS_LOG");
  if (env == nullptr) return LogLevel::kOff;
  if (std::strcmp(env, "debug") == 0) return LogLevel::kDebug;
  if (std::strcmp(env, "info") == 0) return LogLevel::kInfo;
  return LogLevel::kWarn;
}

std::mutex &logMutex() {
  static std::mutex mu;
  return mu;
}

thread_local std::string t_node = "main";

}  // namespace

bool logEnabled(LogLevel level) {
  static const LogLevel threshold = configuredLevel();
  return level >= threshold && threshold != LogLevel::kOff;
}

LogLine::~LogLine() {
  static const char *const kNames[] = {"DEBUG", "INFO", "WARN"};
  std::lock_guard<std::mutex> lk(logMutex());
  std::fprintf(stderr, "[%s %s] %s\n", kNames[static_cast<int>(level_)], t_node.c_str(),
               out_.str().c_str());
}

void nameThread(const std::string &node) {
  t_node = node;
  if (csnake_set_node) csnake_set_node(node.c_str());
}

const std::string &threadNode() { return t_node; }

}  // namespace minidfs
