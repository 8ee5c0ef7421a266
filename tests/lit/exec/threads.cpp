// Tier 2: eight threads in one process produce one complete trace: exact iteration counts
// (8 x 1001 header executions: 1000 iterations and the exiting test).
// RUN: %csnake_bin_dir/csnake-clang++ -O1 -pthread %s -o %t
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --trace-out %t.tr -- %t
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s
// CHECK: 1 process(es)
// CHECK: invocations 8 iterations 8008 {{.*}}threads.cpp:{{[0-9]+}} work(int)
#include <thread>
#include <vector>

__attribute__((noinline)) long work(int seed) {
  long acc = seed;
  for (int i = 0; i < 1000; ++i) acc = (acc * 31 + i) % 1000003;
  return acc;
}

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back([t] { work(t); });
  for (auto &th : threads) th.join();
  return 0;
}
