// ERROR_RETURN sites: branches on a call result with an error side (see the rules at
// the top of passes/BranchClassifier.cpp), and look-alikes that must not be sites.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES --implicit-check-not=ERROR_RETURN
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %opt -verify -disable-output %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
#include <cstddef>

struct Status {
  int code;
  bool ok() const { return code == 0; }
};
Status rpc();
bool try_flush();
int do_io();
char *lookup(int);
void work();
void backoff();
bool empty();

// `if (!ok)`: a bool result kept in a variable; error side returns false (clang folds
// the `!` into swapped successors, so the fault side is the false one).
bool flush_all() {
  bool ok = try_flush();
  if (!ok)
    return false;
  work();
  return true;
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z9flush_allv flags=- {{.*}} detail="ok"

// `if (rc < 0)`: negative error code, returned as -1.
int write_all() {
  int rc = do_io();
  if (rc < 0)
    return -1;
  work();
  return 0;
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z9write_allv flags=fault_on_true {{.*}} detail="rc < 0"

// `if (!st.ok()) return st;`: the tested object is propagated.
Status call_remote() {
  Status st = rpc();
  if (!st.ok())
    return st;
  work();
  return Status{0};
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z11call_remotev flags={{.*}} detail="{{.*}}ok()"

// `ptr == nullptr` returns nullptr.
char *find(int k) {
  char *p = lookup(k);
  if (p == nullptr)
    return nullptr;
  work();
  return p;
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z4findi flags=fault_on_true {{.*}} detail="p == nullptr"

// Unknown polarity (`rc != 0`) but exactly one side propagates the code.
int forward() {
  int rc = do_io();
  if (rc != 0)
    return rc;
  work();
  return 0;
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z7forwardv flags=fault_on_true {{.*}} detail="rc != 0"

// continue (skip this item) and retry-until-success with break.
void each(int n) {
  for (int i = 0; i < n; i++) {
    if (do_io() < 0)
      continue;
    work();
  }
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z4eachi flags=fault_on_true {{.*}} detail="do_io() < 0"
void retry() {
  while (true) {
    int fd = do_io();
    if (fd >= 0)
      break;
    backoff();
  }
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z5retryv flags=- {{.*}} detail="fd >= 0"
bool retry_bounded() {
  for (int attempt = 0; attempt < 3; attempt++) {
    if (try_flush())
      return true;
    backoff();
  }
  return false;
}
// SITES-DAG: ERROR_RETURN ir/error_return.cpp:[[#@LINE-6]]:{{[0-9]+}} _Z13retry_boundedv flags=- {{.*}} detail="try_flush()"

// Not sites: an early return on a non-error condition where the "error" side does the
// work; a loop's own test on a call; a branch on a non-call value.
void drain() {
  if (empty())
    return;
  work();
}
void spin() {
  while (!empty())
    work();
}
int plain(int x) {
  if (x < 0)
    return -1;
  return x;
}

// Shape: cond' = state ? fault_branch(id, cond) != 0 : cond.
// IR-LABEL: define {{.*}} @_Z9write_allv(
// IR: %[[CMP:[0-9]+]] = icmp slt i32 %{{[0-9]+}}, 0
// IR-NEXT: load i8, {{.*}} @__csnake_state, i64 0, i64 [[#]]), align 1
// IR-NEXT: icmp ne i8
// IR-NEXT: br i1
// IR: zext i1 %[[CMP]] to i32
// IR-NEXT: call i32 @__csnake_fault_branch(
// IR: phi i1 [ %{{[0-9]+}}, %csnake.hook{{[0-9]*}} ], [ %[[CMP]], %{{[0-9]+}} ]
