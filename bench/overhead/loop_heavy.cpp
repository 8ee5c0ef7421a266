// A CPU-bound, loop-heavy workload for bench/overhead: nested loops, data-dependent
// branches, error returns and a rarely-taken throw guard, so every site kind sits on a
// hot path. Built twice (plain and through csnake-clang++) from this one source.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Table {
  std::vector<uint64_t> slots;
  explicit Table(size_t n) : slots(n, 0) {}

  // Returns false when the probe sequence is exhausted (an error return on a hot path).
  bool insert(uint64_t key) {
    size_t mask = slots.size() - 1;
    for (size_t probe = 0; probe < 32; ++probe) {
      uint64_t &s = slots[(key + probe * probe) & mask];
      if (s == 0 || s == key) {
        s = key;
        return true;
      }
    }
    return false;
  }
};

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

uint64_t checkedStep(uint64_t x, uint64_t limit) {
  if (x > limit) throw std::out_of_range("step " + std::to_string(x));
  return x + 1;
}

}  // namespace

int main(int argc, char **argv) {
  long rounds = argc > 1 ? std::atol(argv[1]) : 60;
  uint64_t acc = 0, failures = 0, caught = 0;
  for (long r = 0; r < rounds; ++r) {
    Table t(1 << 14);
    for (uint64_t i = 1; i < 20000; ++i) {
      uint64_t k = mix(i * 2654435761u + r);
      if (!t.insert(k)) ++failures;
      if (k & 1)
        acc += k >> 7;
      else
        acc ^= k;
      try {
        acc = checkedStep(acc % 1000003, 1000002);
      } catch (const std::out_of_range &) {
        ++caught;
      }
    }
  }
  std::printf("acc=%llu failures=%llu caught=%llu\n", (unsigned long long)acc, (unsigned long long)failures,
              (unsigned long long)caught);
  return 0;
}
