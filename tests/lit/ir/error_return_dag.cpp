// ERROR_RETURN rules (6)-(8) (passes/BranchClassifier.cpp): the error side explored as a
// bounded DAG, error handling that re-joins, and look-alikes that must not be sites.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES --implicit-check-not=ERROR_RETURN
// RUN: %clangxx -O2 -g -Xclang -disable-llvm-passes -S -emit-llvm %s -o %t2.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t2.ll | %FileCheck %s --check-prefix=SITES --implicit-check-not=ERROR_RETURN
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %opt -verify -disable-output %t.inst.ll

struct Status {
  int code;
  bool ok() const { return code == 0; }
};
struct Node {
  bool alive;
  int misses;
};
struct Queue {
  int n;
  bool empty() const { return n == 0; }
};
Status rpc();
Status send_ack();
bool fresh(const Node &n, int now);
bool try_flush();
int do_io();
void log_failure();
void work();
void backoff();
extern bool fast_failover;
extern int failures;
extern Queue q;

// (8) `if (!ok) { mark; continue; }` as the last statement of a loop body: the continue
// and the fall-through both reach the latch; the error side does work first.
int sweep(Node *nodes, int n, int now) {
  int dead = 0;
  for (int i = 0; i < n; i++) {
    if (!fresh(nodes[i], now)) {
      nodes[i].alive = false;
      log_failure();
      continue;
    }
  }
  return dead;
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-8]]:{{[0-9]+}} _Z5sweepP4Nodeii flags=- {{.*}} detail="fresh()"

// (8) log-and-carry-on: `if (!st.ok()) { ++failures; log(); }`.
void flush_best_effort() {
  Status st = rpc();
  if (!st.ok()) {
    ++failures;
    log_failure();
  }
  work();
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-6]]:{{[0-9]+}} _Z17flush_best_effortv flags=- {{.*}} detail="{{.*}}ok()"

// (8) with an integer error code.
void write_or_log() {
  if (do_io() < 0) {
    log_failure();
  }
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z12write_or_logv flags=fault_on_true {{.*}} detail="do_io() < 0"

// (7) evidence behind a real decision: one path returns, the other falls through.
void receive(int n) {
  for (int i = 0; i < n; i++) {
    Status ms = rpc();
    if (!ms.ok()) {
      ++failures;
      if (fast_failover) {
        send_ack();
        return;
      }
      log_failure();
    }
    work();
  }
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-11]]:{{[0-9]+}} _Z7receivei flags=- {{.*}} detail="{{.*}}ok()"

// (7) both arms of a nested decision end in `continue`; the other side returns.
Status write_block(int attempts) {
  for (int a = 0; a < attempts; a++) {
    Status ps = rpc();
    if (!ps.ok()) {
      ++failures;
      if (fast_failover) {
        work();
      } else {
        backoff();
      }
      continue;
    }
    return Status{0};
  }
  return Status{-1};
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-13]]:{{[0-9]+}} _Z11write_blocki flags=- {{.*}} detail="{{.*}}ok()"

// (6) strong evidence on one path of a nested decision: returns false.
bool open_all() {
  if (!try_flush()) {
    log_failure();
    if (fast_failover)
      return false;
    backoff();
  }
  work();
  return true;
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-9]]:{{[0-9]+}} _Z8open_allv flags=- {{.*}} detail="try_flush()"

// Not sites.
// A predicate that is not a failure, early exit: the work side is not the `if` body.
void drain_one() {
  if (q.empty())
    return;
  work();
}
// Same in a loop: `if (q.empty()) continue; work();`.
void drain_loop(int n) {
  for (int i = 0; i < n; i++) {
    if (q.empty())
      continue;
    work();
  }
}
// A negated state query guarding work: rule (8) ignores const getters of objects that
// no call produced.
void process_if_any() {
  if (!q.empty()) {
    work();
  }
}
// The error side is empty and the other side does the work (`if (!ok) {} else ...`,
// the shape of a logging macro): rules (6)-(8) add nothing. It is a site only through
// rule (4)'s tie-break (error side cheaper), which predates them.
void log_like() {
  if (!try_flush()) {
  } else {
    work();
  }
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z8log_likev flags=- {{.*}} detail="try_flush()"
// The first operand of `||`: its false side only evaluates the rest of the condition.
bool heartbeat(Node *n) {
  if (!try_flush() || !n->alive)
    return false;
  n->misses = 0;
  return true;
}
// SITES-DAG: ERROR_RETURN ir/error_return_dag.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z9heartbeatP4Node flags=- {{.*}} detail="try_flush()"
// Both sides do work before they meet.
void either() {
  if (!try_flush()) {
    log_failure();
  } else {
    work();
  }
}
