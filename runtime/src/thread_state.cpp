// ThreadState pool implementation.
#include "thread_state.h"

#include "loop_stack.h"
#include "node_names.h"

#include <pthread.h>
#include <sys/mman.h>
#include <new>

namespace csnake::rt {

__thread ThreadState *t_state __attribute__((tls_model("initial-exec"))) = nullptr;

namespace {
std::atomic<ThreadState *> g_pool[kThreadPool];
pthread_key_t g_key;
pthread_once_t g_keyOnce = PTHREAD_ONCE_INIT;

void releaseState(void *p) {
  auto *ts = static_cast<ThreadState *>(p);
  if (!ts) return;
  // The thread ends inside loops (e.g. a thread function's loop left by return without
  // an exit edge): count those invocations now.
  finalizeAll(ts);
  stats().iterationsSampledOut.fetch_add(ts->sampledOut.exchange(0), std::memory_order_relaxed);
  t_state = nullptr;  // a later TLS destructor calling a hook claims a fresh state
  ts->inUse.store(0, std::memory_order_release);
}

void makeKey() { pthread_key_create(&g_key, releaseState); }

void resetState(ThreadState *ts) {
  ts->depth.store(0, std::memory_order_relaxed);
  ts->node = 0;
  ts->sampledOut.store(0, std::memory_order_relaxed);
  for (auto &c : ts->pathCache) c = PathCacheEntry{};
  for (auto &m : ts->memo) m.loopSlot = kNoSlot;
  for (auto &c : ts->csCache) c = CallsigCacheEntry{};
  ts->stackLo = ts->stackHi = 0;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *addr = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      ts->stackLo = reinterpret_cast<uintptr_t>(addr);
      ts->stackHi = ts->stackLo + size;
    }
    pthread_attr_destroy(&attr);
  }
}

ThreadState *claim() {
  pthread_once(&g_keyOnce, makeKey);
  for (uint32_t i = 0; i < kThreadPool; ++i) {
    ThreadState *ts = g_pool[i].load(std::memory_order_acquire);
    if (!ts) {
      void *mem = mmap(nullptr, sizeof(ThreadState), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (mem == MAP_FAILED) break;
      auto *fresh = new (mem) ThreadState();
      fresh->inUse.store(1, std::memory_order_relaxed);
      ThreadState *expected = nullptr;
      if (!g_pool[i].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
        munmap(mem, sizeof(ThreadState));
        ts = expected;
      } else {
        ts = fresh;
        resetState(ts);
        pthread_setspecific(g_key, ts);
        return ts;
      }
    }
    uint32_t free = 0;
    if (ts->inUse.compare_exchange_strong(free, 1, std::memory_order_acq_rel)) {
      resetState(ts);
      pthread_setspecific(g_key, ts);
      return ts;
    }
  }
  bump(stats().threadsUntracked);
  return nullptr;
}
}  // namespace

uint32_t ThreadState::processNodeId() { return processNode(); }

ThreadState *claimThreadState() { return claim(); }

ThreadState *threadStateAt(uint32_t i) { return i < kThreadPool ? g_pool[i].load(std::memory_order_acquire) : nullptr; }

void releaseOtherThreadStates() {
  ThreadState *self = t_state;
  forEachThreadState([&](ThreadState *ts) {
    if (ts == self) ts->sampledOut.store(0);
    if (ts != self) {
      ts->depth.store(0, std::memory_order_relaxed);
      ts->inUse.store(0, std::memory_order_release);
    }
  });
}

}  // namespace csnake::rt
