// Tier 2: "skip" N lets the first N reaches of the armed THROW guard pass: with --skip 2
// and mode once the fault fires at the third reach (i = 2) and only there; the decoded
// receipt echoes the skip.
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind THROW | grep checkReply | grep -v '\[throw\]' | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.skip && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --mode once --skip 2 --trace-out %t.skip -- %t | FileCheck %s --check-prefix=SKIP
// RUN: %csnake_bin_dir/csnake trace %t.skip | FileCheck %s --check-prefix=TRACE
// RUN: %csnake_bin_dir/csnake trace %t.skip --json | FileCheck %s --check-prefix=JSON
// RUN: rm -rf %t.far && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --mode always --skip 10 --trace-out %t.far -- %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake trace %t.far | FileCheck %s --check-prefix=FAR
// NONE: caught=0 first=-1
// SKIP: caught=1 first=2
// TRACE: receipt: plan yes {{.*}} mode once skip 2  armed yes  fired yes  fire_count 1
// TRACE: THROW {{.*}}reach 10 occur 1 injected 1 {{.*}}throw_skip.cpp:{{[0-9]+}} checkReply(int)
// JSON: "skip": 2,
// FAR: receipt: plan yes {{.*}} mode always skip 10  armed yes  fired no  fire_count 0
#include <cstdio>
#include <stdexcept>

void checkReply(int value) {
  if (value > 1000) throw std::runtime_error("reply out of range");
}

int main() {
  int caught = 0, first = -1;
  for (int i = 0; i < 10; ++i) {
    try {
      checkReply(i);
    } catch (const std::runtime_error &) {
      if (caught++ == 0) first = i;
    }
  }
  std::printf("caught=%d first=%d\n", caught, first);
  return 0;
}
