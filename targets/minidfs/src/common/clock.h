#pragma once

#include <chrono>

namespace minidfs {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

inline Millis elapsedSince(Clock::time_point t) {
  return std::chrono::duration_cast<Millis>(Clock::now() - t);
}

// Exponential backoff with a cap: base * 2^attempt, at most max.
inline Millis backoffFor(int attempt, Millis base, Millis max) {
  Millis d = base;
  for (int i = 0; i < attempt && d < max; ++i) d *= 2;
  return d < max ? d : max;
}

}  // namespace minidfs
