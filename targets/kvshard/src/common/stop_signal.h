// Lets a background thread sleep between rounds and still stop promptly.
#pragma once

#include <condition_variable>
#include <mutex>

#include "common/clock.h"

namespace kvshard {

class StopSignal {
 public:
  // Sleeps up to `d`; false once stop() was called.
  bool sleepFor(Millis d) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, d, [this] { return stopped_; });
    return !stopped_;
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }
  bool stopped() const {
    std::lock_guard<std::mutex> lk(mu_);
    return stopped_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace kvshard
