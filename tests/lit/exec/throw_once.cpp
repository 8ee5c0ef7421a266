// Tier 2: an armed THROW guard throws exactly once in `once` mode, every time in
// `always` mode, never without a plan; the decoded trace shows the receipt and events.
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind THROW | grep checkReply | grep -v '\[throw\]' | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.once && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --mode once --trace-out %t.once -- %t | FileCheck %s --check-prefix=ONCE
// RUN: %csnake_bin_dir/csnake trace %t.once | FileCheck %s --check-prefix=TRACE
// RUN: rm -rf %t.always && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --mode always --trace-out %t.always -- %t | FileCheck %s --check-prefix=ALWAYS
// NONE: caught=0
// ONCE: caught=1
// ALWAYS: caught=10
// TRACE: receipt: plan yes {{.*}} mode once  armed yes  fired yes  fire_count 1
// TRACE: THROW {{.*}}reach 10 occur 1 injected 1 {{.*}}throw_once.cpp:{{[0-9]+}} checkReply(int)
#include <cstdio>
#include <stdexcept>

void checkReply(int value) {
  if (value > 1000) throw std::runtime_error("reply out of range");
}

int main() {
  int caught = 0;
  for (int i = 0; i < 10; ++i) {
    try {
      checkReply(i);
    } catch (const std::runtime_error &) {
      ++caught;
    }
  }
  std::printf("caught=%d\n", caught);
  return 0;
}
