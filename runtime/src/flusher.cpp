// Flusher implementation.
#include "flusher.h"

#include "armed_fault.h"
#include "loop_stack.h"
#include "thread_state.h"
#include "trace_tables.h"
#include "trace_writer.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <csignal>
#include <ctime>

namespace csnake::rt {

namespace {
std::atomic<long> g_lockOwner{0};  // tid holding the flush lock, 0 = free
std::atomic<bool> g_exiting{false};
std::atomic<bool> g_flusherRunning{false};
// Set by the flusher thread's first statement: its thread library (and a sanitizer's
// thread registry) is done starting it and holds no lock for it any more.
std::atomic<bool> g_flusherStarted{false};
constexpr long kPeriodMs = 100;

long tid() { return long(syscall(SYS_gettid)); }

bool lock(bool fromSignal) {
  long self = tid();
  for (int spins = 0;; ++spins) {
    long free = 0;
    if (g_lockOwner.compare_exchange_strong(free, self, std::memory_order_acquire)) return true;
    if (free == self) return false;                // re-entered from a signal during our own flush
    if (fromSignal && spins > 2000) return false;  // ~200 ms: the periodic file must do
    timespec ts{0, 100000};
    nanosleep(&ts, nullptr);
  }
}
void unlock() { g_lockOwner.store(0, std::memory_order_release); }

void *flusherMain(void *) {
  g_flusherStarted.store(true, std::memory_order_release);
  // Process-directed signals must go to the target's threads, never to this one.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  while (!g_exiting.load(std::memory_order_relaxed)) {
    timespec ts{0, kPeriodMs * 1000000L};
    nanosleep(&ts, nullptr);
    if (g_exiting.load(std::memory_order_relaxed)) break;
    if (g_dirty.exchange(0, std::memory_order_relaxed)) flushNow(trace::FlushReason::Periodic, 0, false);
  }
  return nullptr;
}

void startThread() {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  g_flusherStarted.store(false, std::memory_order_relaxed);
  if (pthread_create(&t, &attr, flusherMain, nullptr) == 0) g_flusherRunning.store(true);
  pthread_attr_destroy(&attr);
}

void atExit() {
  g_exiting.store(true);
  flushNow(trace::FlushReason::Exit, 0, false);
}

void forkPrepare() {
  // A fork right after start-up could copy the flusher thread while it is still being
  // started, with its thread library's or a sanitizer's internal locks held; the child
  // would then block forever on its first thread creation or allocation (seen under ASan
  // in RuntimeFork.ChildWritesItsOwnFile). Wait, briefly and boundedly, until it runs.
  for (int i = 0; i < 20000 && g_flusherRunning.load() && !g_flusherStarted.load(std::memory_order_acquire); ++i) {
    timespec ts{0, 50000};
    nanosleep(&ts, nullptr);
  }
  lock(false);  // no flush may be half-done in the child's copy
}
void forkParent() { unlock(); }
void forkChild() {
  config().pid = getpid();
  resetTables();
  stats().reset();
  armedFault().resetAfterFork();
  releaseOtherThreadStates();
  reclaimAfterFork(threadState());
  resetTraceWriterAfterFork();
  g_dirty.store(1);
  unlock();
  if (config().tracing && !g_exiting.load()) startThread();
}
}  // namespace

void flushNow(trace::FlushReason reason, int signo, bool fromSignal) {
  if (!config().tracing) return;
  if (!lock(fromSignal)) return;
  // After the exit flush only another exit/signal flush may overwrite the file, so the
  // recorded flush reason stays "exit".
  if (reason != trace::FlushReason::Periodic || !g_exiting.load()) writeTrace(reason, signo);
  unlock();
}

void startFlusher() {
  atexit(atExit);
  startThread();
}

void installForkHandlers() { pthread_atfork(forkPrepare, forkParent, forkChild); }

// Runs after the executable's static destructors (the runtime is a dependency, so its
// fini runs later): catches what they recorded after atexit ran.
__attribute__((destructor)) static void csnakeRuntimeFini() {
  if (config().initState.load() != 2 || !config().tracing) return;
  g_exiting.store(true);
  flushNow(trace::FlushReason::Exit, 0, false);
}

}  // namespace csnake::rt
