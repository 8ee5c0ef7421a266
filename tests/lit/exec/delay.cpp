// Tier 2: a delay fault slows every iteration of the armed loop. (Iterations count the
// loop header's executions: the exiting test of a for loop is the 11th.)
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind LOOP | grep 'spin' | head -1 | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --delay-ms 30 --mode always --trace-out %t.tr -- %t | FileCheck %s --check-prefix=SLOW
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s --check-prefix=TRACE
// NONE: fast
// SLOW: slow
// TRACE: fired yes  fire_count 11
// TRACE: invocations 1 iterations 11 {{.*}}delay.cpp:{{[0-9]+}} spin(int)
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
  auto start = std::chrono::steady_clock::now();
  unsigned r = spin(10);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // 10 iterations x 30 ms >= 300 ms when delayed; a few microseconds otherwise.
  std::printf("%s %u\n", ms >= 250 ? "slow" : "fast", r & 1);
  return 0;
}
