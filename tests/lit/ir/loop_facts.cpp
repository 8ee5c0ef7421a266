// LOOP facts: io / sleeps (also through callees defined in the module), small
// (<= 10 instructions including callees), constant trip count (ScalarEvolution).
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unistd.h>

int sum_const() {
  int s = 0;
  for (int i = 0; i < 16; i++)
    s += i;
  return s;
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z9sum_constv flags=const_trip,small size=[[#]]

int sum_n(const int *a, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += a[i];
  return s;
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z5sum_nPKii flags=small size=[[#]]

void writer(int fd, const char *b, int n) {
  for (int i = 0; i < n; i++)
    write(fd, b, 1);
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6writeriPKci flags=io,small

static int helper_io(int fd) { char c; return (int)read(fd, &c, 1); }
static int helper2(int fd) { return helper_io(fd) + helper_io(fd + 1); }
void reader(int fd, int n) {
  while (n-- > 0)
    helper2(fd);
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6readerii flags=io size=[[#]]

void poller(volatile bool *stop) {
  while (!*stop)
    usleep(1000);
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6pollerPVb flags=sleeps,small

void ticker(volatile bool *stop) {
  while (!*stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6tickerPVb flags=sleeps

std::mutex mu;
std::condition_variable cv;
void waiter(volatile bool *stop) {
  std::unique_lock<std::mutex> lk(mu);
  while (!*stop)
    cv.wait_for(lk, std::chrono::milliseconds(5));
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6waiterPVb flags=sleeps

// A timer sleeps on every iteration; a loop that sleeps on one branch only (a backoff
// after a failure) is paced by its work and is not flagged. Through a callee: only a
// callee that sleeps on every path to its returns makes the call a sleep.
int attempt(int fd);
void retrier(int fd, int n) {
  for (int i = 0; i < n; i++) {
    if (attempt(fd) < 0)
      usleep(1000);
  }
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z7retrierii flags=small size=[[#]]

static void pause_always(int ms) { usleep(ms * 1000); }
static void pause_if(int ms) {
  if (ms > 0)
    usleep(ms * 1000);
}
void paced(volatile bool *stop, int ms) {
  while (!*stop) {
    attempt(ms);
    pause_always(ms);
  }
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z5pacedPVbi flags=sleeps,small size=[[#]]
void throttled(volatile bool *stop, int ms) {
  while (!*stop) {
    attempt(ms);
    pause_if(ms);
  }
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z9throttledPVbi flags=- size=[[#]]

// Recursion is cycle-safe and the size is bounded.
int rec(int n) { return n <= 0 ? 0 : rec(n - 1) + 1; }
int big(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) {
    s += rec(i) * 3 + rec(i + 1) - rec(i + 2) / 7;
    s ^= (s << 3) + (s >> 2);
  }
  return s;
}
// CHECK: LOOP ir/loop_facts.cpp:[[#@LINE-6]]:{{[0-9]+}} _Z3bigi flags=- size=[[#SIZE:]]
