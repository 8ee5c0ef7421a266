// Lies outside plain_project's root: built, never instrumented, warned about once.
#include <stdexcept>

long extraB(long n) {
  long steps = 0;
  while (n > 1) {
    if (n == 7) throw std::runtime_error("seven");
    n = n % 2 ? 3 * n + 1 : n / 2;
    ++steps;
  }
  return steps;
}
