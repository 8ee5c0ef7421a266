// The runtime driven directly through the ABI hooks with hand-built module tables. Every
// scenario runs in a forked child (the runtime reads CSNAKE_* once per process); the
// parent decodes the child's trace with csnake::TraceDirectory and checks it.
#include "rt_test_util.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

using namespace rttest;
using csnake::TraceDirectory;
using csnake::TraceFile;

namespace {

constexpr uint64_t kLoopA = 0xA000000000000001ull;
constexpr uint64_t kLoopB = 0xB000000000000002ull;
constexpr uint64_t kThrowGuard = 0x7000000000000003ull;  // THROW guard, fault on true
constexpr uint64_t kErrBranch = 0xE000000000000004ull;   // ERROR_RETURN, fault on false
constexpr uint64_t kLibcall = 0x1C00000000000005ull;
constexpr uint64_t kBranch1 = 0xB100000000000006ull;
constexpr uint64_t kBranch2 = 0xB200000000000007ull;
constexpr uint64_t kPlainThrow = 0x7700000000000008ull;

std::vector<SiteSpec> allSites() {
  return {{kLoopA, CSNAKE_KIND_LOOP},
          {kLoopB, CSNAKE_KIND_LOOP, 0, kLoopA},
          {kThrowGuard, CSNAKE_KIND_THROW, CSNAKE_FLAG_FAULT_ON_TRUE, kLoopA},
          {kErrBranch, CSNAKE_KIND_ERROR_RETURN, 0, kLoopA},
          {kLibcall, CSNAKE_KIND_LIBCALL, 0, kLoopA},
          {kBranch1, CSNAKE_KIND_BRANCH, 0, kLoopA},
          {kBranch2, CSNAKE_KIND_BRANCH, 0, kLoopA},
          {kPlainThrow, CSNAKE_KIND_THROW, CSNAKE_FLAG_PLAIN_THROW, kLoopA}};
}

std::string hex(uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

std::string writePlan(const TempDir &d, const std::string &json, const std::string &name = "plan.json") {
  std::string p = d.file(name);
  std::ofstream(p) << json;
  return p;
}

const csnake::trace::EventRecord *findEvent(const TraceFile &f, uint64_t site, uint64_t ctx = ~0ull) {
  for (const auto &e : f.events)
    if (e.site == site && (ctx == ~0ull || e.context == ctx)) return &e;
  return nullptr;
}

uint64_t sumLoop(const TraceFile &f, uint64_t loop, uint64_t csnake::trace::LoopRecord::*field) {
  uint64_t s = 0;
  for (const auto &l : f.loops)
    if (l.rec.loop == loop) s += l.rec.*field;
  return s;
}

// Sum of an event field over call sites / nodes.
uint64_t sumEvent(const TraceFile &f, uint64_t site, uint64_t ctx, uint64_t csnake::trace::EventRecord::*field) {
  uint64_t s = 0;
  for (const auto &e : f.events)
    if (e.site == site && (ctx == ~0ull || e.context == ctx)) s += e.*field;
  return s;
}

TraceFile onlyTrace(const TempDir &d) {
  TraceDirectory td = TraceDirectory::read(d.path());
  EXPECT_EQ(td.files.size(), 1u);
  return td.files.at(0);
}

// ---- "instrumented" functions: what the pass would emit, by hand ----

// `n` iterations of loop A; in each, the THROW guard with condition `cond`. Returns how
// many times the guard's fault side came back.
__attribute__((noinline)) int loopWithGuard(int n, int cond) {
  void *f = __builtin_frame_address(0);
  int faults = 0;
  __csnake_loop_enter(kLoopA, f);
  for (int i = 0; i < n; ++i) {
    __csnake_loop_iter(kLoopA, f);
    if (__csnake_fault_branch(kThrowGuard, cond)) ++faults;
  }
  __csnake_loop_exit(kLoopA, f);
  return faults;
}

__attribute__((noinline)) int guardInLoopB(int cond) {
  void *f = __builtin_frame_address(0);
  __csnake_loop_enter(kLoopB, f);
  __csnake_loop_iter(kLoopB, f);
  int r = __csnake_fault_branch(kThrowGuard, cond);
  __csnake_loop_exit(kLoopB, f);
  return r;
}

// Enters loop B and "throws" out of it: no exit hook.
__attribute__((noinline)) void leaveLoopBByException() {
  void *f = __builtin_frame_address(0);
  __csnake_loop_enter(kLoopB, f);
  __csnake_loop_iter(kLoopB, f);
  __csnake_loop_iter(kLoopB, f);
}

__attribute__((noinline)) void pathLoop(const std::vector<std::vector<std::pair<uint64_t, int>>> &iters) {
  void *f = __builtin_frame_address(0);
  __csnake_loop_enter(kLoopA, f);
  for (const auto &it : iters) {
    __csnake_loop_iter(kLoopA, f);
    for (auto [site, v] : it) __csnake_branch(site, v);
  }
  __csnake_loop_exit(kLoopA, f);
}

__attribute__((noinline)) void plainLoop(uint64_t id, int n) {
  void *f = __builtin_frame_address(0);
  __csnake_loop_enter(id, f);
  for (int i = 0; i < n; ++i) __csnake_loop_iter(id, f);
  __csnake_loop_exit(id, f);
}

__attribute__((noinline)) void callerOne() { plainLoop(kLoopA, 3); }
__attribute__((noinline)) void callerTwo() { plainLoop(kLoopA, 5); }

// Helper mode for the ASLR test: the test re-executes this binary with this variable.
__attribute__((constructor)) void helperMode() {
  const char *m = getenv("CSNAKE_RT_TEST_HELPER");
  if (!m || strcmp(m, "callsig") != 0) return;
  static Module mod(allSites());
  mod.registerNow();
  callerOne();
  callerTwo();
  exit(0);
}

std::map<std::string, std::string> traceEnv(const TempDir &d, const std::string &plan = "") {
  return {{CSNAKE_ENV_TRACE_DIR, d.path()}, {CSNAKE_ENV_PLAN, plan}, {CSNAKE_ENV_NODE, ""}};
}

}  // namespace

// ---------------------------------------------------------------------------------------

TEST(RuntimeRegistration, TracingObservesEverySite) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    for (size_t i = 0; i < allSites().size(); ++i) CHILD_CHECK(m.state(i) == CSNAKE_STATE_OBSERVE);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  EXPECT_EQ(f.stats.sites_registered, allSites().size());
  EXPECT_EQ(f.header.pid > 0, true);
  EXPECT_STREQ(csnake::trace::flushReasonName(f.header.flush_reason), "exit");
  EXPECT_NE(f.exe().find("runtime_tests"), std::string::npos);
}

TEST(RuntimeRegistration, PlanWithoutTracingArmsOnlyTheSiteAndObservesLoopsForContext) {
  TempDir d;
  std::string plan =
      writePlan(d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","context":")" + hex(kLoopA) + R"("})");
  auto r = runChild({{CSNAKE_ENV_TRACE_DIR, ""}, {CSNAKE_ENV_PLAN, plan}}, [] {
    Module m(allSites());
    m.registerNow();
    auto sites = allSites();
    for (size_t i = 0; i < sites.size(); ++i) {
      uint8_t want = 0;
      if (sites[i].kind == CSNAKE_KIND_LOOP) want = CSNAKE_STATE_OBSERVE;
      if (sites[i].id == kThrowGuard) want = CSNAKE_STATE_OBSERVE | CSNAKE_STATE_ARMED;
      CHILD_CHECK(m.state(i) == want);
    }
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  EXPECT_TRUE(TraceDirectory::list(d.path()).empty());  // no trace dir: no file
}

TEST(RuntimeRegistration, WrongAbiVersionIsRejectedWithOneLine) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module bad(allSites(), CSNAKE_ABI_VERSION + 7);
    bad.registerNow();
    for (size_t i = 0; i < allSites().size(); ++i) CHILD_CHECK(bad.state(i) == 0);
    Module good({{0x42, CSNAKE_KIND_BRANCH}});
    good.registerNow();  // a later (dlopen-like) module still gets registered
    CHILD_CHECK(good.state(0) == CSNAKE_STATE_OBSERVE);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  EXPECT_NE(r.err.find("ABI version " + std::to_string(CSNAKE_ABI_VERSION + 7)), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  TraceFile f = onlyTrace(d);
  EXPECT_EQ(f.stats.modules_rejected, 1u);
  EXPECT_EQ(f.stats.modules_registered, 1u);
}

TEST(RuntimePlan, BadPlanExitsWithDistinctCode) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":"0x12","mode":"sometimes"})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(CSNAKE_EXIT_BAD_PLAN)) << r.status << " " << r.err;
  EXPECT_EQ(r.err, "csnake: plan " + plan + ": unknown mode \"sometimes\" (expected once, always or p=<0..1>)\n");
  auto missing = runChild(traceEnv(d, d.file("nope.json")), [] {
    Module m(allSites());
    m.registerNow();
    return 0;
  });
  EXPECT_TRUE(missing.exitedWith(CSNAKE_EXIT_BAD_PLAN));
  EXPECT_NE(missing.err.find("nope.json: cannot read"), std::string::npos) << missing.err;
}

TEST(RuntimeArming, OnceFiresExactlyOnce) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","mode":"once"})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    CHILD_CHECK(loopWithGuard(5, 0) == 1);
    CHILD_CHECK(loopWithGuard(5, 0) == 0);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  ASSERT_TRUE(f.hasReceipt);
  EXPECT_EQ(f.receipt.armed, 1u);
  EXPECT_EQ(f.receipt.fired, 1u);
  EXPECT_EQ(f.receipt.fire_count, 1u);
  EXPECT_GT(f.receipt.first_fire_ns, 0u);
  // Two call sites of loopWithGuard: two records (different call-site signatures).
  EXPECT_EQ(f.events.size(), 2u);
  EXPECT_EQ(sumEvent(f, kThrowGuard, kLoopA, &csnake::trace::EventRecord::reach), 10u);
  EXPECT_EQ(sumEvent(f, kThrowGuard, kLoopA, &csnake::trace::EventRecord::occur), 1u);
  EXPECT_EQ(sumEvent(f, kThrowGuard, kLoopA, &csnake::trace::EventRecord::injected), 1u);
  EXPECT_EQ(findEvent(f, kThrowGuard)->kind, uint32_t(CSNAKE_KIND_THROW));
  EXPECT_NE(f.events[0].callsig, f.events[1].callsig);
}

TEST(RuntimeArming, SkipLetsTheFirstOpportunitiesPass) {
  TempDir d;
  // once + skip 7: reaches 1..7 pass, the 8th (third of the second call) fires.
  std::string plan = writePlan(d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","mode":"once","skip":7})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    CHILD_CHECK(loopWithGuard(5, 0) == 0);
    CHILD_CHECK(loopWithGuard(5, 0) == 1);
    CHILD_CHECK(loopWithGuard(5, 0) == 0);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  ASSERT_TRUE(f.hasReceipt);
  EXPECT_EQ(f.receipt.skip, 7u);
  EXPECT_EQ(f.receipt.fire_count, 1u);
  // always + skip 3: 10 reaches, the last 7 fire.
  TempDir d2;
  std::string plan2 = writePlan(d2, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","mode":"always","skip":3})");
  auto r2 = runChild(traceEnv(d2, plan2), [] {
    Module m(allSites());
    m.registerNow();
    CHILD_CHECK(loopWithGuard(5, 0) == 2);
    CHILD_CHECK(loopWithGuard(5, 0) == 5);
    return 0;
  });
  EXPECT_TRUE(r2.exitedWith(0)) << r2.err;
  EXPECT_EQ(onlyTrace(d2).receipt.fire_count, 7u);
}

TEST(RuntimePlan, BadSkipExitsWithDistinctCode) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":"0x12","skip":-2})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(CSNAKE_EXIT_BAD_PLAN)) << r.status << " " << r.err;
  EXPECT_EQ(r.err, "csnake: plan " + plan + ": bad \"skip\" (expected an integer 0..1000000000000)\n");
}

TEST(RuntimeArming, AlwaysFiresEveryTimeAndHonoursTheFaultSide) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":")" + hex(kErrBranch) + R"(","mode":"always"})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    // kErrBranch has its fault side on false: a true condition is forced to 0.
    for (int i = 0; i < 7; ++i) CHILD_CHECK(__csnake_fault_branch(kErrBranch, 1) == 0);
    // Naturally on the fault side: not an injection.
    CHILD_CHECK(__csnake_fault_branch(kErrBranch, 0) == 0);
    // A site that is not the plan's never fires.
    CHILD_CHECK(__csnake_fault_branch(kThrowGuard, 0) == 0);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  EXPECT_EQ(f.receipt.fire_count, 7u);
  const auto *e = findEvent(f, kErrBranch);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reach, 8u);
  EXPECT_EQ(e->occur, 8u);
  EXPECT_EQ(e->injected, 7u);
  EXPECT_EQ(e->context, 0u);
  const auto *g = findEvent(f, kThrowGuard);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->occur, 0u);
  EXPECT_EQ(g->reach, 1u);
}

TEST(RuntimeArming, ProbabilityIsRoughlyPAndDeterministicPerSeed) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","mode":"p=0.25","seed":7})");
  auto once = [&](const std::string &dir) {
    TempDir sub;
    auto r = runChild(traceEnv(sub, plan), [] {
      Module m(allSites());
      m.registerNow();
      int fired = 0;
      for (int i = 0; i < 2000; ++i) fired += __csnake_fault_branch(kThrowGuard, 0);
      return fired / 16;  // exit status carries the count (0..125)
    });
    EXPECT_TRUE(WIFEXITED(r.status)) << r.err;
    return WEXITSTATUS(r.status);
  };
  int a = once("a"), b = once("b");
  EXPECT_EQ(a, b);
  EXPECT_GT(a * 16, 400);  // 2000 * 0.25 = 500
  EXPECT_LT(a * 16, 600);
}

TEST(RuntimeArming, OnceIsOncePerRunAcrossProcesses) {
  TempDir d;
  std::string plan = writePlan(d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","mode":"once"})");
  int total = 0;
  for (int i = 0; i < 3; ++i) {
    auto r = runChild(traceEnv(d, plan), [] {
      Module m(allSites());
      m.registerNow();
      return loopWithGuard(4, 0);
    });
    ASSERT_TRUE(WIFEXITED(r.status)) << r.err;
    total += WEXITSTATUS(r.status);
  }
  EXPECT_EQ(total, 1);
  TraceDirectory td = TraceDirectory::read(d.path());
  ASSERT_EQ(td.files.size(), 3u);
  int fired = 0;
  for (const auto &f : td.files) fired += f.receipt.fired;
  EXPECT_EQ(fired, 1);
}

TEST(RuntimeArming, ContextMustMatchTheInnermostLoop) {
  TempDir d;
  std::string plan = writePlan(
      d, R"({"version":1,"fault":")" + hex(kThrowGuard) + R"(","context":")" + hex(kLoopA) + R"(","mode":"always"})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    CHILD_CHECK(guardInLoopB(0) == 0);                        // context B: no
    CHILD_CHECK(__csnake_fault_branch(kThrowGuard, 0) == 0);  // no loop: no
    CHILD_CHECK(loopWithGuard(3, 0) == 3);                    // context A: yes
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  const auto *inA = findEvent(f, kThrowGuard, kLoopA);
  const auto *inB = findEvent(f, kThrowGuard, kLoopB);
  const auto *none = findEvent(f, kThrowGuard, 0);
  ASSERT_TRUE(inA && inB && none);
  EXPECT_EQ(inA->injected, 3u);
  EXPECT_EQ(inB->injected, 0u);
  EXPECT_EQ(inB->reach, 1u);
  EXPECT_EQ(none->injected, 0u);
  EXPECT_EQ(f.receipt.fire_count, 3u);
}

TEST(RuntimeLibcall, BeforeInjectsErrnoAfterRecordsNaturalFailures) {
  TempDir d;
  std::string plan =
      writePlan(d, R"({"version":1,"fault":")" + hex(kLibcall) + R"(","mode":"once","errno":"ECONNRESET"})");
  auto r = runChild(traceEnv(d, plan), [] {
    Module m(allSites());
    m.registerNow();
    errno = 0;
    CHILD_CHECK(__csnake_libcall_before(kLibcall) == 1);
    CHILD_CHECK(errno == ECONNRESET);
    errno = 0;
    CHILD_CHECK(__csnake_libcall_before(kLibcall) == 0);
    CHILD_CHECK(errno == 0);  // untouched when not firing
    errno = EPIPE;
    __csnake_libcall_after(kLibcall, -1, 0);  // natural failure
    CHILD_CHECK(errno == EPIPE);
    __csnake_libcall_after(kLibcall, 12, 0);  // success: nothing
    CHILD_CHECK(__csnake_libcall_before(kLibcall) == 0);
    errno = ENOMEM;
    __csnake_libcall_after(kLibcall, 0, 1);  // NULL pointer result: failure
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  const auto *e = findEvent(f, kLibcall);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reach, 3u);
  EXPECT_EQ(e->occur, 3u);
  EXPECT_EQ(e->injected, 1u);
  EXPECT_EQ(e->last_errno, ENOMEM);
  EXPECT_EQ(e->kind, uint32_t(CSNAKE_KIND_LIBCALL));
  EXPECT_EQ(f.receipt.errno_value, ECONNRESET);
}

TEST(RuntimeDelay, AlwaysDelaysEveryIterationOnceOnlyTheFirstInvocation) {
  TempDir d;
  for (std::string mode : {"always", "once"}) {
    TempDir sub;
    std::string plan =
        writePlan(sub, R"({"version":1,"fault":")" + hex(kLoopB) + R"(","mode":")" + mode + R"(","delay_ms":20})");
    auto r = runChild(traceEnv(sub, plan), [] {
      Module m(allSites());
      m.registerNow();
      auto t0 = std::chrono::steady_clock::now();
      plainLoop(kLoopB, 3);
      auto t1 = std::chrono::steady_clock::now();
      plainLoop(kLoopB, 3);
      auto t2 = std::chrono::steady_clock::now();
      plainLoop(kLoopA, 3);  // not armed
      auto t3 = std::chrono::steady_clock::now();
      auto ms = [](auto a, auto b) { return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count(); };
      CHILD_CHECK(ms(t0, t1) >= 60);
      CHILD_CHECK(ms(t2, t3) < 20);
      return ms(t1, t2) >= 60 ? 2 : 1;
    });
    ASSERT_TRUE(WIFEXITED(r.status)) << r.err;
    EXPECT_EQ(WEXITSTATUS(r.status), mode == "always" ? 2 : 1) << mode << r.err;
    TraceFile f = onlyTrace(sub);
    EXPECT_EQ(f.receipt.fire_count, mode == "always" ? 6u : 3u) << mode;
    EXPECT_EQ(f.receipt.fired, 1u);
  }
}

TEST(RuntimeLoopStack, StaleFramesArePoppedAndReentryFinalises) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    void *f = __builtin_frame_address(0);
    __csnake_loop_enter(kLoopA, f);
    __csnake_loop_iter(kLoopA, f);
    leaveLoopBByException();        // B stays on the stack with a deeper frame
    __csnake_throw(kPlainThrow);    // our frame: B is stale -> context is A
    leaveLoopBByException();        // same loop, same frame again: re-entry
    __csnake_loop_iter(kLoopA, f);  // pops the stale B
    __csnake_throw(kPlainThrow);
    __csnake_loop_exit(kLoopA, f);
    __csnake_throw(kPlainThrow);  // no loop active
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  const auto *inA = findEvent(f, kPlainThrow, kLoopA);
  ASSERT_NE(inA, nullptr);
  EXPECT_EQ(inA->reach, 2u);
  EXPECT_EQ(inA->occur, 2u);
  EXPECT_EQ(findEvent(f, kPlainThrow, kLoopB), nullptr);
  ASSERT_NE(findEvent(f, kPlainThrow, 0), nullptr);
  EXPECT_EQ(sumLoop(f, kLoopB, &csnake::trace::LoopRecord::invocations), 2u);
  EXPECT_EQ(sumLoop(f, kLoopB, &csnake::trace::LoopRecord::iterations), 4u);
  EXPECT_EQ(sumLoop(f, kLoopA, &csnake::trace::LoopRecord::invocations), 1u);
  EXPECT_EQ(sumLoop(f, kLoopA, &csnake::trace::LoopRecord::iterations), 2u);
  for (const auto &l : f.loops) {
    if (l.rec.loop == kLoopB) {
      EXPECT_EQ(l.rec.parent, kLoopA);
    }
  }
  // The plain throw shows up in A's iteration paths as an event.
  bool sawEvent = false;
  for (const auto &p : f.paths)
    for (const auto &pr : p.pairs)
      if (pr.site == kPlainThrow && pr.value == uint32_t(csnake::trace::PathValue::Event)) sawEvent = true;
  EXPECT_TRUE(sawEvent);
}

TEST(RuntimeLoopStack, HistogramAndOpenInvocations) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    for (int n : {0, 3, 3, 100}) plainLoop(kLoopA, n);  // one call site
    void *f = __builtin_frame_address(0);
    __csnake_loop_enter(kLoopB, f);
    for (int i = 0; i < 42; ++i) __csnake_loop_iter(kLoopB, f);
    raise(SIGTERM);  // still inside B: the signal flush reports it as open
    return 0;
  });
  ASSERT_TRUE(WIFSIGNALED(r.status)) << r.err;
  EXPECT_EQ(WTERMSIG(r.status), SIGTERM);
  TraceFile f = onlyTrace(d);
  EXPECT_STREQ(csnake::trace::flushReasonName(f.header.flush_reason), "signal");
  EXPECT_EQ(f.header.flush_signal, uint32_t(SIGTERM));
  bool checkedA = false, checkedB = false;
  for (const auto &l : f.loops) {
    if (l.rec.loop == kLoopA) {
      checkedA = true;
      EXPECT_EQ(l.rec.invocations, 4u);
      EXPECT_EQ(l.rec.iterations, 106u);
      EXPECT_EQ(l.rec.max_iterations, 100u);
      std::map<uint32_t, uint64_t> h;
      for (auto b : l.histogram) h[b.bucket] = b.count;
      EXPECT_EQ(h[0], 1u);
      EXPECT_EQ(h[3], 2u);
      EXPECT_EQ(h[csnake::trace::histBucket(100)], 1u);
      EXPECT_EQ(csnake::trace::histBucketLow(csnake::trace::histBucket(100)), 64u);
    }
    if (l.rec.loop == kLoopB) {
      checkedB = true;
      EXPECT_EQ(l.rec.invocations, 0u);
      EXPECT_EQ(l.rec.open_invocations, 1u);
      EXPECT_EQ(l.rec.open_iterations, 42u);
    }
  }
  EXPECT_TRUE(checkedA && checkedB);
}

TEST(RuntimePaths, SignatureIsAnOrderInsensitiveSet) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    pathLoop({{{kBranch1, 1}, {kBranch2, 0}}, {{kBranch2, 0}, {kBranch1, 1}, {kBranch1, 1}}, {{kBranch1, 0}}, {}});
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  ASSERT_EQ(f.paths.size(), 3u);
  std::map<size_t, const csnake::TracePath *> byPairs;
  for (const auto &p : f.paths) byPairs[p.pairs.size()] = &p;
  ASSERT_TRUE(byPairs.count(2) && byPairs.count(1) && byPairs.count(0));
  const auto &two = *byPairs[2];
  EXPECT_EQ(two.rec.count, 2u);
  EXPECT_EQ(two.pairs[0].site, std::min(kBranch1, kBranch2));  // sorted
  EXPECT_EQ(byPairs[1]->pairs[0].site, kBranch1);
  EXPECT_EQ(byPairs[1]->pairs[0].value, 0u);
  EXPECT_NE(two.rec.pathsig, byPairs[1]->rec.pathsig);
  EXPECT_EQ(two.rec.loop, kLoopA);
}

TEST(RuntimePaths, SamplingBoundsRecordsButKeepsNewPaths) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    std::vector<std::vector<std::pair<uint64_t, int>>> iters(20000, {{kBranch1, 1}});
    iters[15000] = {{kBranch2, 1}};  // a rare path late in the loop
    pathLoop(iters);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  ASSERT_EQ(f.paths.size(), 2u);
  for (const auto &p : f.paths) {
    if (p.pairs.at(0).site == kBranch1) {
      EXPECT_GE(p.rec.count, 64u);
      EXPECT_LT(p.rec.count, 1000u);
    } else {
      EXPECT_EQ(p.rec.count, 1u);
    }
  }
  EXPECT_GT(f.stats.iterations_sampled_out, 19000u);
  EXPECT_EQ(sumLoop(f, kLoopA, &csnake::trace::LoopRecord::iterations), 20000u);
}

TEST(RuntimeCallsig, DistinguishesCallersAndIsStableAcrossAslrRuns) {
  std::vector<std::vector<uint64_t>> runs;
  for (int run = 0; run < 2; ++run) {
    TempDir d;
    pid_t pid = fork();
    if (pid == 0) {
      setenv("CSNAKE_RT_TEST_HELPER", "callsig", 1);
      setenv(CSNAKE_ENV_TRACE_DIR, d.path().c_str(), 1);
      unsetenv(CSNAKE_ENV_PLAN);
      execl("/proc/self/exe", "runtime_tests", (char *)nullptr);
      _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    TraceFile f = onlyTrace(d);
    std::vector<std::pair<uint64_t, uint64_t>> sigs;  // (iterations, callsig)
    for (const auto &l : f.loops)
      if (l.rec.loop == kLoopA) sigs.push_back({l.rec.iterations, l.rec.callsig});
    std::sort(sigs.begin(), sigs.end());
    ASSERT_EQ(sigs.size(), 2u);  // callerOne (3 iterations) and callerTwo (5)
    EXPECT_NE(sigs[0].second, sigs[1].second);
    runs.push_back({sigs[0].second, sigs[1].second});
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(RuntimeThreads, EightThreadsCountExactly) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t)
      ts.emplace_back([] {
        for (int k = 0; k < 50; ++k) loopWithGuard(200, k & 1);
      });
    for (auto &t : ts) t.join();
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceFile f = onlyTrace(d);
  EXPECT_EQ(sumLoop(f, kLoopA, &csnake::trace::LoopRecord::invocations), 8u * 50);
  EXPECT_EQ(sumLoop(f, kLoopA, &csnake::trace::LoopRecord::iterations), 8u * 50 * 200);
  uint64_t reach = 0, occur = 0;
  for (const auto &e : f.events)
    if (e.site == kThrowGuard) {
      reach += e.reach;
      occur += e.occur;
      EXPECT_EQ(e.context, kLoopA);
    }
  EXPECT_EQ(reach, 8u * 50 * 200);
  EXPECT_EQ(occur, 8u * 25 * 200);
  EXPECT_EQ(f.stats.events_dropped + f.stats.loops_dropped + f.stats.paths_dropped, 0u);
}

TEST(RuntimeNodes, ThreadsCarryTheirNodeAndTheFirstNamesTheProcess) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    std::thread a([] {
      csnake_set_node("dn1");
      loopWithGuard(2, 1);
    });
    a.join();
    std::thread b([] {
      csnake_set_node("dn2");
      loopWithGuard(3, 1);
    });
    b.join();
    loopWithGuard(4, 1);  // main thread: process default (dn1)
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  auto names = TraceDirectory::list(d.path());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("dn1-", 0), 0u) << names[0];  // the early proc- file was replaced
  TraceFile f = onlyTrace(d);
  EXPECT_EQ(f.processNode(), "dn1");
  std::map<std::string, uint64_t> occurByNode;
  for (const auto &e : f.events)
    if (e.site == kThrowGuard) occurByNode[f.nodeName(e.node)] += e.occur;
  EXPECT_EQ(occurByNode["dn1"], 6u);
  EXPECT_EQ(occurByNode["dn2"], 3u);
}

TEST(RuntimeNodes, EnvironmentNodeNamesTheFile) {
  TempDir d;
  auto env = traceEnv(d);
  env[CSNAKE_ENV_NODE] = "nn/0";
  auto r = runChild(env, [] {
    Module m(allSites());
    m.registerNow();
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  auto names = TraceDirectory::list(d.path());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("nn_0-", 0), 0u) << names[0];
}

TEST(RuntimeFork, ChildWritesItsOwnFile) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    __csnake_throw(kPlainThrow);
    __csnake_throw(kPlainThrow);
    pid_t c = fork();
    if (c == 0) {
      __csnake_throw(kPlainThrow);
      exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  TraceDirectory td = TraceDirectory::read(d.path());
  ASSERT_EQ(td.files.size(), 2u);
  std::map<int, uint64_t> occurByPid;
  int parentPid = 0;
  for (const auto &f : td.files) {
    const auto *e = findEvent(f, kPlainThrow);
    ASSERT_NE(e, nullptr);
    occurByPid[f.header.pid] = e->occur;
  }
  for (const auto &f : td.files) {
    if (occurByPid.count(f.header.ppid)) parentPid = f.header.ppid;
  }
  ASSERT_NE(parentPid, 0);
  EXPECT_EQ(occurByPid[parentPid], 2u);
  for (auto [pid, occ] : occurByPid) {
    if (pid != parentPid) {
      EXPECT_EQ(occ, 1u);
    }
  }
}

TEST(RuntimeFlush, PeriodicFlushSurvivesUnderscoreExit) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    loopWithGuard(3, 1);
    usleep(350 * 1000);
    _exit(3);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(3)) << r.err;
  TraceFile f = onlyTrace(d);
  EXPECT_STREQ(csnake::trace::flushReasonName(f.header.flush_reason), "periodic");
  ASSERT_NE(findEvent(f, kThrowGuard), nullptr);
  EXPECT_EQ(findEvent(f, kThrowGuard)->occur, 3u);
}

TEST(RuntimeFlush, FatalSignalFlushesAndDiesWithTheSignal) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    Module m(allSites());
    m.registerNow();
    __csnake_throw(kPlainThrow);
    // A real SIGSEGV (not a null dereference, which UBSan would report first): flushed,
    // then the previous disposition.
    raise(SIGSEGV);
    return 0;
  });
#if defined(__SANITIZE_ADDRESS__)
  // ASan's own SIGSEGV handler was installed first: the runtime chains to it, and it
  // reports and exits instead of dying by the signal.
  ASSERT_TRUE(WIFSIGNALED(r.status) || (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0)) << r.err;
#else
  ASSERT_TRUE(WIFSIGNALED(r.status)) << r.err;
  EXPECT_EQ(WTERMSIG(r.status), SIGSEGV);
#endif
  TraceFile f = onlyTrace(d);
#if !defined(__SANITIZE_ADDRESS__)
  // (Under ASan its handler may run exit-time code after ours: a later exit flush then
  // replaces the signal flush; the recorded events are the same.)
  EXPECT_EQ(f.header.flush_signal, uint32_t(SIGSEGV));
#endif
  ASSERT_NE(findEvent(f, kPlainThrow), nullptr);
}

namespace {
volatile sig_atomic_t g_userHandlerRan = 0;
void userTermHandler(int) { g_userHandlerRan = 1; }
}  // namespace

TEST(RuntimeFlush, SignalChainsToAHandlerInstalledBeforeTheRuntime) {
  TempDir d;
  auto r = runChild(traceEnv(d), [] {
    signal(SIGTERM, userTermHandler);  // the target's handler, installed first
    Module m(allSites());
    m.registerNow();
    __csnake_throw(kPlainThrow);
    raise(SIGTERM);
    CHILD_CHECK(g_userHandlerRan == 1);  // chained, and the process goes on
    return 5;
  });
  EXPECT_TRUE(r.exitedWith(5)) << r.status << r.err;
  TraceFile f = onlyTrace(d);
  EXPECT_STREQ(csnake::trace::flushReasonName(f.header.flush_reason), "exit");
  EXPECT_GE(f.header.flush_count, 2u);  // the signal flush came before the exit flush
}
