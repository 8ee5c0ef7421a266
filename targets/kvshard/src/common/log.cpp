#include "common/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <pthread.h>

namespace kvshard {

namespace {

thread_local std::string t_node = "main";

LogLevel thresholdFromEnv() {
  const char *v = std::getenv("KVSHARD_LOG");
  if (v == nullptr) return LogLevel::kOff;
  if (std::strcmp(v, "debug") == 0) return LogLevel::kDebug;
  if (std::strcmp(v, "info") == 0) return LogLevel::kInfo;
  if (std::strcmp(v, "warn") == 0) return LogLevel::kWarn;
  return LogLevel::kOff;
}

std::mutex &outputMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

bool logEnabled(LogLevel level) {
  static const LogLevel threshold = thresholdFromEnv();
  return threshold != LogLevel::kOff && level >= threshold;
}

LogLine::~LogLine() {
  static const char *const kNames[] = {"D", "I", "W"};
  std::lock_guard<std::mutex> lk(outputMutex());
  std::fprintf(stderr, "[kvshard %s %s] %s\n", kNames[static_cast<int>(level_)], t_node.c_str(),
               out_.str().c_str());
}

void nameThread(const std::string &node) {
  t_node = node;
  // The kernel limits thread names to 15 bytes.
  std::string os = "kv-" + node;
  if (os.size() > 15) os.resize(15);
  pthread_setname_np(pthread_self(), os.c_str());
}

const std::string &threadNode() { return t_node; }

}  // namespace kvshard
