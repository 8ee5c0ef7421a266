// The site `detail` grammar of abi.h, end to end: what the pass writes
// (passes/SiteDetail.cpp, compiled into this test) is what the analyzer reads
// (analyzer/compat/operand_key.cpp). Round trips, the exact bytes of a known detail, and
// the edges: absent keys, negative and extreme constants, characters the grammar must
// escape (in the text) or refuse (in the operand), malformed keys.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "SiteDetail.h"
#include "compat/operand_key.h"
#include "csnake/abi.h"

using csnake::DetailKey;
using csnake::siteDetail;
using csnake::analyzer::conditionText;
using csnake::analyzer::parseOperandKey;

namespace {

// Produce, parse, and check every field came back.
void expectRoundTrip(const std::string &text, const DetailKey &key) {
  SCOPED_TRACE("text=" + text + " operand=" + key.Operand + " pred=" + key.Pred);
  std::string detail = siteDetail(text, key);
  auto parsed = parseOperandKey(detail);
  ASSERT_TRUE(parsed) << detail;
  EXPECT_EQ(parsed->operand, key.Operand);
  EXPECT_EQ(parsed->pred, key.Pred);
  EXPECT_EQ(parsed->constant, key.K);
  EXPECT_EQ(conditionText(detail), text);
}

// A key the producer must refuse: the detail is the text alone, and reads as keyless.
void expectRefused(const std::string &text, const DetailKey &key) {
  std::string detail = siteDetail(text, key);
  EXPECT_EQ(detail, text);
  EXPECT_FALSE(parseOperandKey(detail));
  EXPECT_FALSE(csnake::isWritableKey(key));
}

}  // namespace

TEST(SiteDetail, ExactBytes) {
  // Pinned: changing these bytes changes what every stored campaign holds (abi.h).
  EXPECT_EQ(siteDetail("retries_ > 3", DetailKey{"this.field@16:Node", "sgt", 3}),
            "retries_ > 3|op=this.field@16:Node|pred=sgt|k=3");
  EXPECT_EQ(siteDetail("b", DetailKey{"arg#3:0badf00d", "ne", 0}), "b|op=arg#3:0badf00d|pred=ne|k=0");
  EXPECT_EQ(siteDetail("throw"), "throw");
  EXPECT_EQ(siteDetail("recv"), "recv");
}

TEST(SiteDetail, RoundTripsEveryPredicate) {
  for (const char *pred : {CSNAKE_DETAIL_PREDS}) expectRoundTrip("x < y", DetailKey{"global:g_mode", pred, 7});
}

TEST(SiteDetail, RoundTripsNegativeAndExtremeConstants) {
  for (int64_t k : {int64_t{-1}, int64_t{0}, int64_t{-4096}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()})
    expectRoundTrip("v < k", DetailKey{"this.field@0:Stream", "slt", k});
}

TEST(SiteDetail, RoundTripsOperandsWithUnusualCharacters) {
  // Everything but the separator is allowed in an operand, written as is.
  expectRoundTrip("f", DetailKey{"load:this.field@24:Stream->@4", "ne", 0});
  expectRoundTrip("f", DetailKey{"global:_ZL7s_count:dir with space/ümlaut.cpp", "eq", 2});
  expectRoundTrip("f", DetailKey{"global:a=b=c", "eq", 1});  // '=' only separates the field name
  expectRoundTrip("f", DetailKey{"this.field@-8:ns::Outer<int, 2>::Inner", "uge", 9});
  expectRoundTrip("", DetailKey{"arg#0:deadbeef", "eq", -1});  // empty text
  expectRoundTrip("f", DetailKey{std::string(CSNAKE_DETAIL_OPERAND_MAX, 'x'), "eq", 0});
}

TEST(SiteDetail, AbsentKey) {
  EXPECT_EQ(siteDetail("rc < 0"), "rc < 0");
  EXPECT_FALSE(parseOperandKey("rc < 0"));
  EXPECT_EQ(conditionText("rc < 0"), "rc < 0");
  EXPECT_FALSE(parseOperandKey(""));
  EXPECT_EQ(conditionText(""), "");
}

TEST(SiteDetail, RefusesOperandsItCannotWriteAsIs) {
  expectRefused("a > 1", DetailKey{"global:a|b", "sgt", 1});
  expectRefused("a > 1", DetailKey{"global:a|op=b|pred=eq|k=1", "sgt", 1});
  expectRefused("a > 1", DetailKey{std::string("global:a\0b", 10), "sgt", 1});
  expectRefused("a > 1", DetailKey{"", "sgt", 1});
  expectRefused("a > 1", DetailKey{std::string(CSNAKE_DETAIL_OPERAND_MAX + 1, 'x'), "sgt", 1});
  expectRefused("a > 1", DetailKey{"global:a", "oeq", 1});  // not an icmp predicate
  expectRefused("a > 1", DetailKey{"global:a", "", 1});
}

TEST(SiteDetail, EscapesSeparatorsInTheText) {
  // A text that looks like a key must not read as one, with or without a real key.
  std::string fake = "%x|op=global:g|pred=eq|k=1";
  std::string escaped = "%x?op=global:g?pred=eq?k=1";
  EXPECT_EQ(siteDetail(fake), escaped);
  EXPECT_FALSE(parseOperandKey(siteDetail(fake)));
  EXPECT_EQ(conditionText(siteDetail(fake)), escaped);

  std::string detail = siteDetail(fake, DetailKey{"this.field@4:Node", "slt", -2});
  auto parsed = parseOperandKey(detail);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->operand, "this.field@4:Node");
  EXPECT_EQ(parsed->pred, "slt");
  EXPECT_EQ(parsed->constant, -2);
  EXPECT_EQ(conditionText(detail), escaped);

  // A NUL would end the C string in the site table.
  EXPECT_EQ(siteDetail(std::string("a\0b", 3)), "a?b");
}

TEST(SiteDetail, ParserRejectsMalformedKeys) {
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=weird|k=3"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=3z"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k="));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=-"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=+3"));
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=9223372036854775808"));  // int64 overflow
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq"));                        // no k
  EXPECT_FALSE(parseOperandKey("x|op=|pred=eq|k=1"));                         // empty operand
  EXPECT_FALSE(parseOperandKey("x|pred=eq|op=arg#1|k=1"));                    // fields out of order
  EXPECT_FALSE(parseOperandKey("x|op=arg#1|pred=eq|k=1|extra=2"));            // trailing field
  EXPECT_FALSE(parseOperandKey("x|garbage|op=arg#1|pred=eq|k=1"));            // key not right after the text
  auto k = parseOperandKey("x|op=arg#1|pred=eq|k=-9223372036854775808");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->constant, std::numeric_limits<int64_t>::min());
}
