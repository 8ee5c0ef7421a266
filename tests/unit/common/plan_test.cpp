// The Plan type (common/plan.h) against the runtime's own minimal reader
// (runtime/src/plan_loader.cpp): every plan the tools write, and every file a user might
// hand-write, is read the same way by both — field by field — and what one refuses the
// other refuses too.
#include "csnake/common/plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "plan_loader.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using csnake::Plan;
using csnake::PlanError;
using csnake::trace::PlanMode;

using csnake::testing::TempDir;

namespace {

// What the runtime must end up with for a plan the tools read as `p`.
void expectSameReading(const Plan &p, const csnake::rt::Plan &rt, const std::string &what) {
  SCOPED_TRACE(what);
  EXPECT_TRUE(rt.present);
  EXPECT_EQ(rt.fault, p.fault);
  EXPECT_EQ(rt.context, p.context);
  if (p.mode == "once") {
    EXPECT_EQ(rt.mode, PlanMode::Once);
  } else if (p.mode == "always") {
    EXPECT_EQ(rt.mode, PlanMode::Always);
  } else {
    EXPECT_EQ(rt.mode, PlanMode::Probability);
    EXPECT_EQ(rt.probability, std::strtod(p.mode.c_str() + 2, nullptr));
  }
  EXPECT_EQ(rt.delayMs, static_cast<uint32_t>(p.delayMs.value_or(0)));
  int expectedErrno = EIO;
  if (!p.errnoName.empty()) {
    ASSERT_TRUE(csnake::rt::errnoFromName(p.errnoName, expectedErrno)) << p.errnoName;
  }
  EXPECT_EQ(rt.errnoValue, expectedErrno);
  EXPECT_EQ(rt.seed, p.seed.value_or(csnake::rt::Plan{}.seed));
  EXPECT_EQ(rt.skip, p.skip);
}

Plan plan(uint64_t fault) {
  Plan p;
  p.fault = fault;
  return p;
}

std::vector<std::pair<std::string, Plan>> writtenPlans() {
  std::vector<std::pair<std::string, Plan>> v;
  v.emplace_back("fault only, no context", plan(0x1));
  Plan p = plan(0xdeadbeef00000001ull);
  p.context = 0x2a;
  p.mode = "p=0.33";
  p.delayMs = 500;
  p.errnoName = "ECONNRESET";
  p.seed = 9;
  p.skip = 7;
  v.emplace_back("every field", p);
  p = plan(std::numeric_limits<uint64_t>::max());
  p.context = std::numeric_limits<uint64_t>::max();
  p.mode = "always";
  v.emplace_back("largest ids, always", p);
  p = plan(0x5);
  p.skip = csnake::kMaxPlanSkip;
  p.delayMs = csnake::kMaxPlanDelayMs;
  v.emplace_back("largest skip and delay", p);
  p = plan(0x5);
  p.delayMs = 0;
  p.seed = 0;
  v.emplace_back("zero delay and zero seed are given, not absent", p);
  p = plan(0x5);
  p.seed = std::numeric_limits<uint64_t>::max();
  p.mode = "p=1";
  v.emplace_back("largest seed, p=1", p);
  p = plan(0x5);
  p.mode = "p=1e-9";
  v.emplace_back("tiny probability", p);
  p = plan(0x5);
  p.errnoName = "110";
  v.emplace_back("errno as a number", p);
  p = plan(0x5);
  p.errnoName = "ENOSPC";
  p.mode = "once";
  v.emplace_back("errno by name", p);
  return v;
}

}  // namespace

TEST(Plan, WrittenPlansReadBackTheSameByBothReaders) {
  TempDir dir;
  for (const auto &[what, p] : writtenPlans()) {
    std::string path = (dir.path / "plan.json").string();
    p.writeFile(path);
    EXPECT_EQ(Plan::readFile(path), p) << what;
    csnake::rt::Plan rt;
    std::string problem;
    ASSERT_TRUE(csnake::rt::loadPlanFile(path.c_str(), rt, problem)) << what << ": " << problem;
    expectSameReading(p, rt, what);
  }
}

TEST(Plan, HandWrittenPlansReadTheSameByBothReaders) {
  const char *texts[] = {
      R"({"version":1,"fault":"0x5","context":"0x0"})",
      R"({"fault":"0X00AbC","version":1,"mode":"always","errno":110,"extra":[1,2]})",
      R"({"version":1,"fault":"0xDEADbeef00000001","context":"0x2a","mode":"p=0.33","delay_ms":500,"errno":"ECONNRESET","seed":9})",
      R"({"version":1,"fault":"0x1","skip":0,"seed":18446744073709551615})",
      R"({"version":1,"fault":"0x1","mode":"p=.5"})",
  };
  for (const char *text : texts) {
    Plan p = Plan::fromJson(text);
    csnake::rt::Plan rt;
    std::string problem;
    ASSERT_TRUE(csnake::rt::parsePlan(text, rt, problem)) << text << ": " << problem;
    expectSameReading(p, rt, text);
  }
}

TEST(Plan, MalformedPlansAreRefusedByBothReaders) {
  const char *texts[] = {
      "",
      "{\"version\":1,",
      "[1]",
      "null",
      R"({"fault":"0x1"})",
      R"({"version":2,"fault":"0x1"})",
      R"({"version":"1","fault":"0x1"})",
      R"({"version":1.5,"fault":"0x1"})",
      R"({"version":1})",
      R"({"version":1,"fault":"0x0"})",
      R"({"version":1,"fault":"123"})",
      R"({"version":1,"fault":"0x"})",
      R"({"version":1,"fault":"0xZZ"})",
      R"({"version":1,"fault":"0x11112222333344445"})",
      R"({"version":1,"fault":42})",
      R"({"version":1,"fault":"0x1","context":"loop"})",
      R"({"version":1,"fault":"0x1","context":5})",
      R"({"version":1,"fault":"0x1","context":null})",
      R"({"version":1,"fault":"0x1","mode":"twice"})",
      R"({"version":1,"fault":"0x1","mode":1})",
      R"({"version":1,"fault":"0x1","mode":"p="})",
      R"({"version":1,"fault":"0x1","mode":"p=0"})",
      R"({"version":1,"fault":"0x1","mode":"p=1.5"})",
      R"({"version":1,"fault":"0x1","mode":"p=nan"})",
      R"({"version":1,"fault":"0x1","mode":"p=inf"})",
      R"({"version":1,"fault":"0x1","mode":"p=1e-400"})",
      R"({"version":1,"fault":"0x1","mode":"p=0.5x"})",
      R"({"version":1,"fault":"0x1","delay_ms":-1})",
      R"({"version":1,"fault":"0x1","delay_ms":3600001})",
      R"({"version":1,"fault":"0x1","delay_ms":2.5})",
      R"({"version":1,"fault":"0x1","delay_ms":"5"})",
      R"({"version":1,"fault":"0x1","delay_ms":18446744073709551615})",
      R"({"version":1,"fault":"0x1","errno":0})",
      R"({"version":1,"fault":"0x1","errno":-5})",
      R"({"version":1,"fault":"0x1","errno":true})",
      R"({"version":1,"fault":"0x1","errno":"bogus"})",
      R"({"version":1,"fault":"0x1","errno":""})",
      R"({"version":1,"fault":"0x1","seed":-1})",
      R"({"version":1,"fault":"0x1","seed":1.5})",
      R"({"version":1,"fault":"0x1","seed":"3"})",
      R"({"version":1,"fault":"0x1","skip":-1})",
      R"({"version":1,"fault":"0x1","skip":2.5})",
      R"({"version":1,"fault":"0x1","skip":null})",
      R"({"version":1,"fault":"0x1","skip":1000000000001})",
  };
  for (const char *text : texts) {
    EXPECT_THROW(Plan::fromJson(text), PlanError) << text;
    csnake::rt::Plan rt;
    std::string problem;
    EXPECT_FALSE(csnake::rt::parsePlan(text, rt, problem)) << text;
  }
}

TEST(Plan, ErrorsAreOneLineAndNameTheFile) {
  try {
    Plan::fromJson("{\"version\":1,\n");
    FAIL() << "accepted";
  } catch (const PlanError &e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("malformed JSON: ", 0), 0u) << e.what();
  }
  try {
    Plan::readFile("/nonexistent/plan.json");
    FAIL() << "read a missing file";
  } catch (const PlanError &e) {
    EXPECT_STREQ(e.what(), "/nonexistent/plan.json: cannot read: No such file or directory");
  }
  TempDir dir;
  std::string path = (dir.path / "plan.json").string();
  std::ofstream(path) << R"({"version":1,"fault":"0x1","skip":-1})";
  try {
    Plan::readFile(path);
    FAIL() << "accepted skip -1";
  } catch (const PlanError &e) {
    EXPECT_EQ(std::string(e.what()), path + ": bad \"skip\" (expected an integer 0..1000000000000)");
  }
}

TEST(Plan, WritingRefusesAPlanNoReaderWouldAccept) {
  TempDir dir;
  std::string path = (dir.path / "plan.json").string();
  EXPECT_THROW(plan(0).writeFile(path), PlanError);
  EXPECT_FALSE(fs::exists(path)) << "nothing written for a refused plan";
  Plan p = plan(1);
  p.mode = "p=2";
  EXPECT_THROW(p.toJson(), PlanError);
  p = plan(1);
  p.delayMs = csnake::kMaxPlanDelayMs + 1;
  EXPECT_THROW(p.toJson(), PlanError);
  p = plan(1);
  p.skip = csnake::kMaxPlanSkip + 1;
  EXPECT_THROW(p.toJson(), PlanError);
  p = plan(1);
  p.errnoName = "not an errno";
  EXPECT_THROW(p.toJson(), PlanError);
  EXPECT_THROW(plan(1).writeFile("/nonexistent/dir/plan.json"), PlanError);
}

TEST(Plan, ModesAsTheRuntimeReadsThem) {
  for (const char *ok : {"once", "always", "p=1", "p=0.33", "p=1e-9", "p=.5"})
    EXPECT_TRUE(csnake::validPlanMode(ok)) << ok;
  for (const char *bad : {"", "Once", "p=", "p=0", "p=-0.1", "p=1.01", "p=nan", "p=inf", "p=1e-400", "p=0.5 ", "q=0.5"})
    EXPECT_FALSE(csnake::validPlanMode(bad)) << bad;
}
