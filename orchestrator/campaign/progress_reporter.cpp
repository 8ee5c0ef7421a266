#include "campaign/progress_reporter.h"

#include <unistd.h>

namespace csnake {

ProgressReporter::ProgressReporter(FILE *out) : out_(out), tty_(isatty(fileno(out)) != 0) {}

void ProgressReporter::startPhase(const std::string &phase, int64_t total, int64_t alreadyDone) {
  phase_ = phase;
  total_ = total;
  base_ = alreadyDone;
  done_ = alreadyDone;
  failed_ = timedOut_ = notFired_ = 0;
  start_ = std::chrono::steady_clock::now();
  lastDecile_ = -1;
  if (!tty_)
    std::fprintf(out_, "csnake: %s phase: %lld runs (%lld already finished)\n", phase.c_str(), (long long)total,
                 (long long)alreadyDone);
  draw(true);
}

void ProgressReporter::update(int64_t done, int64_t failed, int64_t timedOut, int64_t notFired) {
  done_ = done;
  failed_ = failed;
  timedOut_ = timedOut;
  notFired_ = notFired;
  draw(false);
}

void ProgressReporter::draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  int64_t fresh = done_ - base_;
  double rate = elapsed > 0 ? fresh / elapsed : 0;
  long eta = rate > 0 ? static_cast<long>((total_ - done_) / rate) : -1;
  char etaText[32] = "--:--";
  if (eta >= 0) std::snprintf(etaText, sizeof etaText, "%ld:%02ld", eta / 60, eta % 60);
  if (tty_) {
    if (!force && now - lastDraw_ < std::chrono::milliseconds(100)) return;
    lastDraw_ = now;
    int width = 24, filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(static_cast<size_t>(width), '.');
    std::fprintf(out_,
                 "\r\033[K[%s] %s %lld/%lld runs  failed %lld  timed out %lld  not fired %lld  %.1f runs/s  ETA %s",
                 phase_.c_str(), bar.c_str(), (long long)done_, (long long)total_, (long long)failed_,
                 (long long)timedOut_, (long long)notFired_, rate, etaText);
    std::fflush(out_);
    barShown_ = true;
    return;
  }
  int decile = total_ ? static_cast<int>(10 * done_ / total_) : 10;
  if (!force && decile == lastDecile_) return;
  lastDecile_ = decile;
  if (force) return;
  std::fprintf(out_, "csnake: %s %lld/%lld runs, failed %lld, timed out %lld, not fired %lld, %.1f runs/s, ETA %s\n",
               phase_.c_str(), (long long)done_, (long long)total_, (long long)failed_, (long long)timedOut_,
               (long long)notFired_, rate, etaText);
}

void ProgressReporter::finishPhase() {
  if (tty_ && barShown_) {
    draw(true);
    std::fprintf(out_, "\n");
    barShown_ = false;
  }
}

void ProgressReporter::log(const std::string &line) {
  if (tty_ && barShown_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "csnake: %s\n", line.c_str());
  if (tty_ && barShown_) draw(true);
}

}  // namespace csnake
