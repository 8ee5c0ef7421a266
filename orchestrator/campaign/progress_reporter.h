// Campaign progress: a live bar on a terminal (phase, runs done/total, failures, ETA),
// plain log lines otherwise (CI logs, pipes).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace csnake {

class ProgressReporter {
 public:
  explicit ProgressReporter(FILE *out);
  void startPhase(const std::string &phase, int64_t total, int64_t alreadyDone);
  void update(int64_t done, int64_t failed, int64_t timedOut, int64_t notFired);
  void finishPhase();
  // A message that must not be overwritten by the bar.
  void log(const std::string &line);

 private:
  void draw(bool force);
  FILE *out_;
  bool tty_;
  std::string phase_;
  int64_t total_ = 0, base_ = 0, done_ = 0, failed_ = 0, timedOut_ = 0, notFired_ = 0;
  std::chrono::steady_clock::time_point start_, lastDraw_;
  int lastDecile_ = -1;
  bool barShown_ = false;
};

}  // namespace csnake
