// Tier 2: an ERROR_RETURN branch (a failed call turned into `return false`) is forced to
// its error side once.
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind ERROR_RETURN | grep 'deliver' | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --trace-out %t.tr -- %t | FileCheck %s --check-prefix=ONCE
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s --check-prefix=TRACE
// NONE: delivered=5 failures=0
// ONCE: delivered=4 failures=1
// TRACE: fired yes  fire_count 1
// TRACE: ERROR_RETURN {{.*}}occur 1 injected 1 {{.*}}deliver(int)
#include <cstdio>

__attribute__((noinline)) bool sendRequest(int i) { return i >= 0; }

__attribute__((noinline)) bool deliver(int i) {
  if (!sendRequest(i)) {
    std::fprintf(stderr, "send %d failed\n", i);
    return false;
  }
  return true;
}

int main() {
  int delivered = 0, failures = 0;
  for (int i = 0; i < 5; ++i) {
    if (deliver(i)) ++delivered;
    else ++failures;
  }
  std::printf("delivered=%d failures=%d\n", delivered, failures);
  return 0;
}
