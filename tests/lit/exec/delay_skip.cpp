// Tier 2: a delay fault with "skip" 2 lets the first two matching invocations of the
// armed loop run at full speed and delays every iteration of the third (mode once).
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind LOOP | grep 'spin' | head -1 | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --delay-ms 30 --mode once --skip 2 --trace-out %t.tr -- %t | FileCheck %s --check-prefix=SKIP
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s --check-prefix=TRACE
// NONE: call0 fast call1 fast call2 fast call3 fast
// SKIP: call0 fast call1 fast call2 slow call3 fast
// TRACE: mode once skip 2  armed yes  fired yes  fire_count 11
// TRACE: invocations 4 iterations 44 {{.*}}delay_skip.cpp:{{[0-9]+}} spin(int)
#include <chrono>
#include <cstdio>

__attribute__((noinline)) unsigned spin(int rounds) {
  unsigned acc = 1;
  for (int i = 0; i < rounds; ++i) {
    for (int j = 0; j < 1000; ++j) acc = acc * 2654435761u + static_cast<unsigned>(j);
  }
  return acc;
}

int main() {
  unsigned r = 0;
  for (int call = 0; call < 4; ++call) {
    auto start = std::chrono::steady_clock::now();
    r += spin(10);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    // 11 x 30 ms >= 300 ms when delayed; a few microseconds otherwise.
    std::printf("call%d %s ", call, ms >= 250 ? "slow" : "fast");
  }
  std::printf("%u\n", r & 1);
  return 0;
}
