// The Z3 junction check on hand-built sides.
#include <gtest/gtest.h>

#include "compat/compat_checker.h"
#include "compat/operand_key.h"

using namespace csnake;
using namespace csnake::analyzer;

namespace {

std::map<SiteRef, SiteInfo> sites() {
  std::map<SiteRef, SiteInfo> m;
  auto add = [&](const std::string &id, const std::string &kind, int line, const std::string &detail) {
    SiteInfo s;
    s.id = id;
    s.kind = kind;
    s.file = "src/node.cpp";
    s.line = line;
    s.function = "Node::step()";
    s.detail = detail;
    m[id] = s;
  };
  add("B1", "BRANCH", 10, "pending_ > 0");
  add("B2", "BRANCH", 20, "leader_");
  add("B3", "BRANCH", 30, "x");
  add("G", "THROW", 40, "!ok");
  add("N3", "BRANCH", 50, "retries_ > 3|op=this.field@16|pred=sgt|k=3");
  add("N1", "BRANCH", 60, "retries_ < 2|op=this.field@16|pred=slt|k=2");
  add("M", "BRANCH", 70, "mode == 1|op=global:g_mode|pred=eq|k=1");
  return m;
}

JunctionSide side(const std::string &label, std::vector<std::vector<Decision>> paths) {
  JunctionSide s;
  s.label = label;
  s.experiment = label == "A" ? 7 : 9;
  s.test = label == "A" ? "Suite.A" : "Suite.B";
  s.runs = {1, 2, 3};
  uint64_t c = 10;
  for (auto &p : paths) s.paths.push_back({c--, p});
  return s;
}

}  // namespace

TEST(OperandKey, Parse) {
  auto k = parseOperandKey("retries_ > 3|op=this.field@16|pred=sgt|k=3");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->operand, "this.field@16");
  EXPECT_EQ(k->pred, "sgt");
  EXPECT_EQ(k->constant, 3);
  EXPECT_EQ(conditionText("retries_ > 3|op=this.field@16|pred=sgt|k=3"), "retries_ > 3");
  EXPECT_FALSE(parseOperandKey("rc < 0"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=weird|k=3"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=3z"));
  EXPECT_EQ(parseOperandKey("x|op=arg#1|pred=eq|k=-7")->constant, -7);
}

TEST(Compat, ConflictingDecisionIsRejectedWithARenderedCore) {
  auto r = checkSides("L", side("A", {{{"B1", 1}, {"B2", 0}}}), side("B", {{{"B1", 0}, {"B3", 1}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Incompatible);
  ASSERT_EQ(r.core.size(), 1u);
  EXPECT_NE(r.core[0].find("src/node.cpp:10 `pending_ > 0` in Node::step()"), std::string::npos) << r.core[0];
  EXPECT_NE(r.core[0].find("run A (experiment 7, test Suite.A, runs 1,2,3) took true"), std::string::npos) << r.core[0];
  EXPECT_NE(r.core[0].find("run B (experiment 9, test Suite.B, runs 1,2,3) took false"), std::string::npos)
      << r.core[0];
  EXPECT_EQ(r.core[0].find("B2"), std::string::npos);  // not in the core
}

TEST(Compat, IrrelevantBranchesDoNotBreakAStitch) {
  auto r = checkSides("L", side("A", {{{"B1", 1}, {"B2", 0}}}), side("B", {{{"B3", 1}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Compatible);
}

TEST(Compat, AnyPairOfPathsSuffices) {
  auto r =
      checkSides("L", side("A", {{{"B1", 1}}, {{"B1", 0}, {"B2", 1}}}), side("B", {{{"B1", 0}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Compatible);
}

TEST(Compat, TheThrowingGuardMayDiffer) {
  auto a = side("A", {{{"G", 0}, {"B1", 1}}}), b = side("B", {{{"G", 1}, {"B1", 1}}});
  EXPECT_EQ(checkSides("L", a, b, {}, sites(), 5000).verdict, CompatVerdict::Incompatible);
  EXPECT_EQ(checkSides("L", a, b, {"G"}, sites(), 5000).verdict, CompatVerdict::Compatible);
}

TEST(Compat, EventsAreNotConditions) {
  auto r = checkSides("L", side("A", {{{"G", 2}, {"B1", 1}}}), side("B", {{{"B1", 1}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Compatible);
}

TEST(Compat, ValueConstraintsLinkDifferentBranches) {
  // retries_ > 3 in A, retries_ < 2 in B: different branch sites, same named value.
  auto r = checkSides("L", side("A", {{{"N3", 1}}}), side("B", {{{"N1", 1}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Incompatible);
  ASSERT_EQ(r.core.size(), 2u);
  std::string both = r.core[0] + "\n" + r.core[1];
  EXPECT_NE(both.find("src/node.cpp:50 `retries_ > 3` in Node::step(): run A (experiment 7, test Suite.A, runs 1,2,3) "
                      "took true [this.field@16 sgt 3]"),
            std::string::npos)
      << both;
  EXPECT_NE(both.find("src/node.cpp:60 `retries_ < 2` in Node::step(): run B (experiment 9, test Suite.B, runs 1,2,3) "
                      "took true [this.field@16 slt 2]"),
            std::string::npos)
      << both;
  // retries_ > 3 and !(retries_ < 2) agree.
  EXPECT_EQ(checkSides("L", side("A", {{{"N3", 1}}}), side("B", {{{"N1", 0}}}), {}, sites(), 5000).verdict,
            CompatVerdict::Compatible);
  // mode == 1 in both: fine; an equality against itself negated: not.
  EXPECT_EQ(checkSides("L", side("A", {{{"M", 1}}}), side("B", {{{"M", 0}}}), {}, sites(), 5000).verdict,
            CompatVerdict::Incompatible);
}

// At a THROW junction the next fault's guard must be able to take its fault side in the
// state the incoming effect left: here the guard is `retries_ > 3` (N3, free: A reached it
// without throwing, B forced it) and A's state has `retries_ < 2`.
TEST(Compat, TheNextFaultMustBeAbleToFail) {
  JunctionSide a = side("A", {{{"N1", 1}, {"N3", 0}}}), b = side("B", {{{"N3", 1}, {"B1", 1}}});
  EXPECT_EQ(checkSides("L", a, b, {"N3"}, sites(), 5000).verdict, CompatVerdict::Compatible) << "guard left free";
  auto r = checkSides("L", a, b, {"N3"}, sites(), 5000, {{"N3", 1}});
  EXPECT_EQ(r.verdict, CompatVerdict::Incompatible);
  std::string core;
  for (const auto &l : r.core) core += l + "\n";
  EXPECT_NE(core.find("`retries_ > 3` in Node::step(): the next fault needs it true (its fault side)"),
            std::string::npos)
      << core;
  EXPECT_NE(core.find("`retries_ < 2` in Node::step(): run A"), std::string::npos) << core;
  // With A's state at retries_ >= 2 the guard can throw.
  JunctionSide a2 = side("A", {{{"N1", 0}, {"N3", 0}}});
  EXPECT_EQ(checkSides("L", a2, b, {"N3"}, sites(), 5000, {{"N3", 1}}).verdict, CompatVerdict::Compatible);
}

TEST(Compat, NoRecordedPathsIsUnconstrained) {
  auto r = checkSides("L", side("A", {}), side("B", {{{"B1", 1}}}), {}, sites(), 5000);
  EXPECT_EQ(r.verdict, CompatVerdict::Unconstrained);
  EXPECT_TRUE(r.accepted());
}
