// Tier 2: functions whose loops run back to back (the zero-fill loops of a non-constant
// aggregate initialiser, the constructor and destructor loops of object arrays; the
// shape that crashed the pass, see ir/back_to_back_loops.cpp) behave as without the pass
// when instrumented, and their trace is readable with exact counts: each zero-fill loop
// runs 15 times per call (a bottom-tested loop: 15 header executions).
// RUN: %clangxx -O1 %s -o %t.plain
// RUN: %t.plain > %t.expected
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t 2> %t.err
// RUN: count 0 < %t.err
// RUN: %t > %t.out
// RUN: diff %t.expected %t.out
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: %csnake_bin_dir/csnake sites %t --kind LOOP | FileCheck %s --check-prefix=SITES
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --trace-out %t.tr -- %t | FileCheck %s --check-prefix=OUT
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s --check-prefix=TRACE
// OUT: caught=1 live=0
// SITES-COUNT-3: LOOP {{.*}}back_to_back_loops.cpp:[[#@LINE+17]] records(int)
// TRACE: 1 process(es)
// TRACE-COUNT-3: invocations 5 iterations 75 max 15 {{.*}}back_to_back_loops.cpp:[[#@LINE+15]] records(int)
#include <cstdio>
#include <stdexcept>

struct Id {
  unsigned char b[16];
};
struct Rec {
  Id id;
  const char *name;
};

__attribute__((noinline)) const char *lookup(const char *s) { return s; }

__attribute__((noinline)) unsigned records(int salt) {
  Rec r[3] = {{{1}, lookup("a")}, {{2}, lookup("b")}, {{3}, lookup("c")}};
  unsigned acc = salt;
  for (const Rec &x : r)
    for (unsigned char c : x.id.b) acc = acc * 31 + c + x.name[0];
  return acc;
}

static int live = 0;
struct Obj {
  Obj() : v(7) { ++live; }
  Obj(int x) : v(x) {
    if (x < 0) throw std::runtime_error("negative");
    ++live;
  }
  ~Obj() { --live; }
  int v;
};

__attribute__((noinline)) int objects(int x) {
  Obj a[4] = {x};
  Obj b[4] = {x - 1};
  int s = 0;
  for (int i = 0; i < 4; ++i) s += a[i].v + b[i].v;
  return s;
}

int main() {
  unsigned acc = 0;
  for (int i = 0; i < 5; ++i) acc ^= records(i);
  int s = objects(3);
  int caught = 0;
  try {
    s += objects(0); // b's first element throws: a is destroyed on unwinding
  } catch (const std::runtime_error &) {
    ++caught;
  }
  std::printf("acc=%u s=%d caught=%d live=%d\n", acc, s, caught, live);
  return 0;
}
