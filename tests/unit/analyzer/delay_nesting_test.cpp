// Nesting variants (analyzer/graph/delay_nesting.h): loop nesting as the runs observed it,
// and fault cycles that are equal up to the nesting depth of a delay fault's loop.
#include <gtest/gtest.h>

#include "campaign_builder.h"
#include "graph/delay_nesting.h"

using namespace csnake;
using namespace csnake::analyzer;
using csnake::testing::CampaignBuilder;
using csnake::testing::sid;
using csnake::testing::Trace;

namespace {

constexpr uint64_t TOP = 0x1001, OUTER = 0x1002, INNER = 0x1003, OTHER = 0x1004, REC = 0x1005, ERR = 0x2001;

nlohmann::json fault(uint64_t site, uint64_t context, bool delay) {
  return {{"site", sid(site)}, {"context", sid(context)}, {"kind", delay ? "LOOP" : "ERROR_RETURN"}, {"delay", delay}};
}

LoopNesting observedNesting(CampaignBuilder &b) {
  b.site(TOP, SiteKind::Loop, "src/server.cpp", 10, "Server::run()");
  b.site(OUTER, SiteKind::Loop, "src/server.cpp", 20, "Server::handlerLoop()");
  b.site(INNER, SiteKind::Loop, "src/store.cpp", 30, "Store::applyReport()");
  b.site(OTHER, SiteKind::Loop, "src/monitor.cpp", 40, "Monitor::run()");
  b.site(REC, SiteKind::Loop, "src/tree.cpp", 50, "Tree::walk()");
  // INNER runs inside OUTER (a handler called from the handler loop), OUTER inside TOP;
  // REC encloses itself through recursion; OTHER is on its own thread.
  Trace t(false);
  t.loop(TOP, 1).loop(OUTER, 10, TOP).loop(INNER, 40, OUTER).loop(OTHER, 5).loop(REC, 3, REC);
  b.profile("T", {t, t});
  return LoopNesting::observed(b.load());
}

TEST(DelayNesting, ObservedNestingIsTransitive) {
  CampaignBuilder b;
  LoopNesting n = observedNesting(b);
  EXPECT_TRUE(n.encloses(sid(OUTER), sid(INNER)));
  EXPECT_TRUE(n.encloses(sid(TOP), sid(INNER)));
  EXPECT_FALSE(n.encloses(sid(INNER), sid(OUTER)));
  EXPECT_FALSE(n.encloses(sid(OTHER), sid(INNER)));
  EXPECT_FALSE(n.encloses(sid(INNER), sid(INNER)));
  EXPECT_FALSE(n.encloses(sid(REC), sid(REC))) << "recursion is no nesting";
}

TEST(DelayNesting, FaultCyclesEqualUpToTheDepthOfADelay) {
  CampaignBuilder b;
  LoopNesting n = observedNesting(b);
  nlohmann::json inner = {fault(ERR, OTHER, false), fault(INNER, INNER, true)};
  // The same cascade with the handler loop slow instead, in another rotation.
  nlohmann::json outer = {fault(OUTER, OUTER, true), fault(ERR, OTHER, false)};
  EXPECT_TRUE(sameUpToDelayNesting(inner, outer, n));
  EXPECT_TRUE(sameUpToDelayNesting(outer, inner, n));
  EXPECT_TRUE(sameUpToDelayNesting(inner, {fault(TOP, TOP, true), fault(ERR, OTHER, false)}, n));
  // A delay of a loop that is not nested with it, the error fault in another context, a
  // different length: other cascades.
  EXPECT_FALSE(sameUpToDelayNesting(inner, {fault(ERR, OTHER, false), fault(OTHER, OTHER, true)}, n));
  EXPECT_FALSE(sameUpToDelayNesting(inner, {fault(ERR, OUTER, false), fault(OUTER, OUTER, true)}, n));
  EXPECT_FALSE(sameUpToDelayNesting(inner, {fault(ERR, OTHER, false), fault(OUTER, OUTER, true),
                                            fault(OTHER, OTHER, true)},
                                    n));
  // Only delay faults move between depths: an error fault in the enclosing loop's context
  // is another fault.
  EXPECT_FALSE(sameUpToDelayNesting({fault(ERR, INNER, false), fault(OTHER, OTHER, true)},
                                    {fault(ERR, OUTER, false), fault(OTHER, OTHER, true)}, n));
}

}  // namespace
