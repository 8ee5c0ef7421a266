// Time helpers shared by every component.
#pragma once

#include <chrono>

namespace kvshard {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

inline Millis since(Clock::time_point t) {
  return std::chrono::duration_cast<Millis>(Clock::now() - t);
}

// base * 2^attempt, capped at max.
inline Millis exponentialBackoff(int attempt, Millis base, Millis max) {
  Millis d = base;
  for (int i = 0; i < attempt && d < max; ++i) d *= 2;
  return d < max ? d : max;
}

}  // namespace kvshard
