// Progress and cancellation of a long analysis. A campaign database of thousands of runs
// takes minutes to analyse; the user sees which phase it is in, and SIGINT/SIGTERM (the
// caller's stop flag) stop it between two units of work, before anything is written: the
// database keeps its previous analysis.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace csnake::analyzer {

struct AnalysisInterrupted : std::runtime_error {
  AnalysisInterrupted() : std::runtime_error("analysis interrupted; the database keeps its previous analysis") {}
};

class AnalysisMonitor {
 public:
  using Report = std::function<void(const std::string &line)>;
  AnalysisMonitor(const std::atomic<bool> *stop, Report report, double intervalSeconds = 2.0)
      : stop_(stop), report_(std::move(report)), interval_(intervalSeconds) {}

  bool stopRequested() const { return stop_ && stop_->load(std::memory_order_relaxed); }
  const std::atomic<bool> *stopFlag() const { return stop_; }

  // One unit of `phase` done; throws AnalysisInterrupted when a stop was requested, and
  // reports "phase: done/total" every interval once the phase has run that long, and at
  // its end if it reported before (a quick analysis prints nothing).
  void step(const char *phase, size_t done, size_t total) {
    if (stopRequested()) throw AnalysisInterrupted();
    if (!report_) return;
    auto now = std::chrono::steady_clock::now();
    if (phase != phase_) {
      phase_ = phase;
      printed_ = false;
      last_ = now;
    }
    bool due = std::chrono::duration<double>(now - last_).count() >= interval_;
    if (!(due || (done == total && printed_))) return;
    last_ = now;
    printed_ = true;
    report_(std::string(phase) + ": " + std::to_string(done) + "/" + std::to_string(total));
  }
  // A line about a phase that is long only on large campaigns: printed when the previous
  // phase reported progress.
  void note(const std::string &line) const {
    if (report_ && printed_) report_(line);
  }

 private:
  const std::atomic<bool> *stop_;
  Report report_;
  double interval_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  const char *phase_ = nullptr;
  bool printed_ = false;
};

}  // namespace csnake::analyzer
