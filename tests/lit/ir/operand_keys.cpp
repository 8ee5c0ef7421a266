// Operand keys: "<condition>|op=<operand>|pred=<p>|k=<int>" on BRANCH / THROW /
// ERROR_RETURN details when the pass can name the compared value exactly (a field of
// `this`, a global, an argument, a value behind a member pointer); none otherwise. The
// same at -O0 and at pipeline start of -O2 (the plugin's real position).
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s
// RUN: %clangxx -O2 -g -S -emit-llvm -Xclang -disable-llvm-passes %s -o %t.o2.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.o2.ll | %FileCheck %s
#include <stdexcept>

struct Config {
  int write_attempts = 3;   // offset 0
  bool fast_failover = true; // offset 4
  long limit = 5;           // offset 8
};
int g_mode;
static int s_count;
void work();
bool probe();
int next();

class Stream {
public:
  void run(int n, unsigned u, bool b);
  int retries_ = 0;     // offset 0
  Config cfg_;          // offset 8
  const Config *pcfg_;  // offset 24
  unsigned char level_; // offset 32
};

void Stream::run(int n, unsigned u, bool b) {
  for (int i = 0; i < n; ++i) {
    // A member of `this` compared with a constant; the constant on the left swaps the
    // predicate.
    if (retries_ > 3) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@0:Stream|pred=sgt|k=3"
    if (5 < retries_) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@0:Stream|pred=sgt|k=5"
    if (retries_ < -1) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@0:Stream|pred=slt|k=-1"
    // A bool flag in a struct member of `this` (offsets summed: 8 + 4): the branch
    // condition is the flag itself. With `!` clang swaps the successors; the condition
    // (and so the key) is the same.
    if (cfg_.fast_failover) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@12:Stream|pred=ne|k=0"
    if (!cfg_.fast_failover) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@12:Stream|pred=ne|k=0"
    if (cfg_.limit > 100) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@16:Stream|pred=sgt|k=100"
    // An unsigned char member promoted (zext) to int: the key names the byte.
    if (level_ >= 2) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@32:Stream|pred=sge|k=2"
    // Negations in value context (`xor c, true`, compared through zext with true):
    // the predicate is inverted.
    if (!(retries_ > 3) == true) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@0:Stream|pred=sle|k=3"
    if (!cfg_.fast_failover == true) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=this.field@12:Stream|pred=eq|k=0"
    // Through a member pointer (one level).
    if (pcfg_->fast_failover) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=load:this.field@24:Stream->@4|pred=ne|k=0"
    // Globals; an internal one is qualified with its translation unit.
    if (g_mode == 2) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="g_mode == 2|op=global:g_mode|pred=eq|k=2"
    if (s_count != 0) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="{{[^"|]*}}|op=global:_ZL7s_count:ir/operand_keys.cpp|pred=ne|k=0"
    // Arguments (IR index; `this` is #0), qualified with a hash of the function.
    if (n >= 10) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="n >= 10|op=arg#1:[[FN:[0-9a-f]+]]|pred=sge|k=10"
    if (u < 7) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="u < 7|op=arg#2:[[FN]]|pred=ult|k=7"
    if (b) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="b|op=arg#3:[[FN]]|pred=ne|k=0"
    // No key: two loads, a call result, an unsigned compared == with a constant whose
    // signed and unsigned readings differ, a local that is reassigned.
    if (retries_ == g_mode) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="*this == g_mode"
    if (probe()) work();
    // CHECK-DAG: {{BRANCH|ERROR_RETURN}} ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="probe()"
    if (u == 0xffffffffu) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="u == -1"
    int v = next();
    if (v > 0) work();
    // CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-1]]:{{.*}} detail="v > 0"
  }
  // A THROW guard: the key describes the branch condition (not the fault side).
  if (retries_ <= 9) return;
  throw std::runtime_error("too many retries");
  // CHECK-DAG: THROW ir/operand_keys.cpp:[[#@LINE-2]]:{{.*}} flags=- {{.*}} detail="{{[^"|]*}}|op=this.field@0:Stream|pred=sle|k=9"
}

// A parameter that is reassigned has no key (its home is written twice).
int clamp(int x) {
  if (x > 100)
    x = 100;
  for (int i = 0; i < 3; ++i)
    if (x == 7) work();
  return x;
}
// CHECK-DAG: BRANCH ir/operand_keys.cpp:[[#@LINE-3]]:{{.*}} _Z5clampi {{.*}} detail="x == 7"
