// The plan loader (csnake_plan): accepted plans and one-line errors.
#include "plan_loader.h"

#include <gtest/gtest.h>

#include <cerrno>

using csnake::rt::Plan;
using csnake::trace::PlanMode;

namespace {
std::string problemOf(const std::string &text) {
  Plan p;
  std::string problem;
  EXPECT_FALSE(csnake::rt::parsePlan(text, p, problem)) << text;
  EXPECT_EQ(problem.find('\n'), std::string::npos);
  return problem;
}
}  // namespace

TEST(PlanLoader, FullPlan) {
  Plan p;
  std::string problem;
  ASSERT_TRUE(csnake::rt::parsePlan(
      R"({"version":1,"fault":"0xDEADbeef00000001","context":"0x2a","mode":"p=0.33","delay_ms":500,"errno":"ECONNRESET","seed":9})",
      p, problem))
      << problem;
  EXPECT_TRUE(p.present);
  EXPECT_EQ(p.fault, 0xdeadbeef00000001ull);
  EXPECT_EQ(p.context, 0x2au);
  EXPECT_EQ(p.mode, PlanMode::Probability);
  EXPECT_DOUBLE_EQ(p.probability, 0.33);
  EXPECT_EQ(p.delayMs, 500u);
  EXPECT_EQ(p.errnoValue, ECONNRESET);
  EXPECT_EQ(p.seed, 9u);
}

TEST(PlanLoader, Defaults) {
  Plan p;
  std::string problem;
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5","context":"0x0"})", p, problem));
  EXPECT_EQ(p.mode, PlanMode::Once);
  EXPECT_EQ(p.context, 0u);
  EXPECT_EQ(p.errnoValue, EIO);
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5","mode":"always","errno":110})", p, problem));
  EXPECT_EQ(p.mode, PlanMode::Always);
  EXPECT_EQ(p.errnoValue, 110);
}

TEST(PlanLoader, Errors) {
  EXPECT_EQ(problemOf("{\"version\":1,"), problemOf("{\"version\":1,"));
  EXPECT_EQ(problemOf("{\"version\":1,").rfind("malformed JSON", 0), 0u);
  EXPECT_EQ(problemOf("[1]"), "not a JSON object");
  EXPECT_EQ(problemOf(R"({"fault":"0x1"})"), "missing \"version\"");
  EXPECT_EQ(problemOf(R"({"version":2,"fault":"0x1"})"), "unsupported version 2 (expected 1)");
  EXPECT_EQ(problemOf(R"({"version":1})"), "missing \"fault\"");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"123"})"), "bad fault id \"123\" (expected 0x<hex>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0xZZ"})"), "bad fault id \"0xZZ\" (expected 0x<hex>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x0"})"), "bad fault id \"0x0\" (expected 0x<hex>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x11112222333344445"})"),
            "bad fault id \"0x11112222333344445\" (expected 0x<hex>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":42})"), "\"fault\" must be a string");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","context":"loop"})"), "bad context id \"loop\" (expected 0x<hex>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","mode":"twice"})"),
            "unknown mode \"twice\" (expected once, always or p=<0..1>)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","mode":"p=1.5"})"), "bad mode \"p=1.5\" (p must be in (0, 1])");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","mode":"p=x"})"), "bad mode \"p=x\" (p must be in (0, 1])");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","errno":"EWHAT"})"), "unknown errno \"EWHAT\"");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","delay_ms":-1})"),
            "bad \"delay_ms\" (expected an integer 0..3600000)");
  // A negative seed used to wrap around to a huge one.
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","seed":-1})"), "bad \"seed\" (expected an integer 0..2^64-1)");
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","seed":1.5})"), "bad \"seed\" (expected an integer 0..2^64-1)");
}

TEST(PlanLoader, Skip) {
  Plan p;
  std::string problem;
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5"})", p, problem));
  EXPECT_EQ(p.skip, 0u);
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5","skip":0})", p, problem));
  EXPECT_EQ(p.skip, 0u);
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5","mode":"always","skip":7})", p, problem));
  EXPECT_EQ(p.skip, 7u);
  EXPECT_EQ(p.mode, PlanMode::Always);
  ASSERT_TRUE(csnake::rt::parsePlan(R"({"version":1,"fault":"0x5","skip":1000000000000})", p, problem));
  EXPECT_EQ(p.skip, csnake::rt::kMaxPlanSkip);
  const char *bad = "bad \"skip\" (expected an integer 0..1000000000000)";
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":-1})"), bad);
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":2.5})"), bad);
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":"3"})"), bad);
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":null})"), bad);
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":1000000000001})"), bad);
  EXPECT_EQ(problemOf(R"({"version":1,"fault":"0x1","skip":18446744073709551615})"), bad);
}

TEST(PlanLoader, MissingFile) {
  Plan p;
  std::string problem;
  EXPECT_FALSE(csnake::rt::loadPlanFile("/nonexistent/plan.json", p, problem));
  EXPECT_EQ(problem, "cannot read: No such file or directory");
}

TEST(PlanLoader, ErrnoNames) {
  int v = 0;
  EXPECT_TRUE(csnake::rt::errnoFromName("ETIMEDOUT", v));
  EXPECT_EQ(v, ETIMEDOUT);
  EXPECT_STREQ(csnake::rt::errnoName(ECONNREFUSED), "ECONNREFUSED");
  EXPECT_FALSE(csnake::rt::errnoFromName("", v));
}
