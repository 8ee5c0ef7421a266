// The typed option bindings of the command line (orchestrator/cli/options.h): what each
// accepts, and that everything else — nan, inf, signs, overflow, junk — is refused with
// one line naming the option.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

using namespace csnake::cli;

namespace {

// Parses `args` (after the program name) into `app`; "" on success, else the error line.
std::string parse(CLI::App &app, std::vector<std::string> args) {
  std::vector<const char *> argv = {"csnake"};
  for (const std::string &a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    return "";
  } catch (const CLI::ParseError &e) {
    return e.what();
  }
}

const char *kJunk[] = {"nan", "NaN", "-nan", "inf",  "-inf", "infinity", "1e999", "-1e999", "",
                       " 1",  "1 ",  "+1",   "0x10", "1.5",  "1e2",      "12abc", "--",     "one"};

}  // namespace

TEST(ParseInteger, AcceptsPlainDecimalsInRange) {
  EXPECT_EQ(parseInteger("0", 0, 10), 0);
  EXPECT_EQ(parseInteger("10", 0, 10), 10);
  EXPECT_EQ(parseInteger("007", 0, 10), 7);
  EXPECT_EQ(parseInteger("-3", -5, 5), -3);
  EXPECT_EQ(parseInteger("9223372036854775807", 0, std::numeric_limits<int64_t>::max()),
            std::numeric_limits<int64_t>::max());
}

TEST(ParseInteger, RefusesEverythingElse) {
  EXPECT_FALSE(parseInteger("11", 0, 10));
  EXPECT_FALSE(parseInteger("-1", 0, 10));
  EXPECT_FALSE(parseInteger("9223372036854775808", 0, std::numeric_limits<int64_t>::max()));
  EXPECT_FALSE(parseInteger("-9223372036854775809", std::numeric_limits<int64_t>::min(), 0));
  EXPECT_FALSE(parseInteger("99999999999999999999999", 0, std::numeric_limits<int64_t>::max()));
  for (const char *junk : kJunk) EXPECT_FALSE(parseInteger(junk, -100, 100)) << junk;
}

TEST(ParseUnsigned, CoversTheWholeRangeAndNoSign) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(parseUnsigned("18446744073709551615", 0, kMax), kMax);
  EXPECT_EQ(parseUnsigned("0", 0, kMax), 0u);
  EXPECT_FALSE(parseUnsigned("18446744073709551616", 0, kMax));
  EXPECT_FALSE(parseUnsigned("-1", 0, kMax)) << "no wrap-around";
  EXPECT_FALSE(parseUnsigned("-0", 0, kMax));
  for (const char *junk : kJunk) EXPECT_FALSE(parseUnsigned(junk, 0, kMax)) << junk;
}

TEST(ParseReal, FiniteAndInsideTheInterval) {
  Interval unitOpenLow{0, 1, true, false};
  EXPECT_EQ(parseReal("1", unitOpenLow), 1.0);
  EXPECT_EQ(parseReal("0.1", unitOpenLow), 0.1);
  EXPECT_EQ(parseReal("1e-3", unitOpenLow), 1e-3);
  EXPECT_EQ(parseReal(".5", unitOpenLow), 0.5);
  EXPECT_FALSE(parseReal("0", unitOpenLow)) << "open at 0";
  EXPECT_FALSE(parseReal("1.0000001", unitOpenLow));
  EXPECT_FALSE(parseReal("-0.5", unitOpenLow));
  EXPECT_FALSE(parseReal("1e-400", Interval{-1, 1})) << "underflow is not a value the user wrote";
  EXPECT_FALSE(parseReal("1.2.3", Interval{0, 10}));
  EXPECT_FALSE(parseReal("0x1p-1", Interval{0, 10})) << "no hex floats";
  for (const char *junk :
       {"nan", "NaN", "-nan", "nan(1)", "inf", "-inf", "infinity", "1e999", "", " 1", "1 ", "e5", "-", "."})
    EXPECT_FALSE(parseReal(junk, Interval{-1e300, 1e300})) << junk;
}

TEST(Interval, NaNIsNeverInside) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE((Interval{0, 1}).contains(nan));
  EXPECT_FALSE((Interval{0, 1, true, true}).contains(nan));
  EXPECT_FALSE(
      (Interval{-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()}).contains(nan));
}

TEST(Interval, DescribesItself) {
  EXPECT_EQ((Interval{0, 1}).describe(), "from 0 to 1");
  EXPECT_EQ((Interval{0, 1, true, false}).describe(), "in (0, 1]");
  EXPECT_EQ((Interval{0, 604800, true, false}).describe("s"), "in (0s, 168h]");
  EXPECT_EQ((Interval{0, 90}).describe("s"), "from 0s to 90s");
}

TEST(ParseDuration, UnitsAndLimits) {
  Interval week{0, 7 * 24 * 3600.0, true, false};
  EXPECT_EQ(parseDuration("90", week), 90.0);
  EXPECT_EQ(parseDuration("90s", week), 90.0);
  EXPECT_EQ(parseDuration("30m", week), 1800.0);
  EXPECT_EQ(parseDuration("1.5h", week), 5400.0);
  EXPECT_EQ(parseDuration("168h", week), 604800.0);
  EXPECT_EQ(parseDuration("0.001", week), 0.001);
  EXPECT_FALSE(parseDuration("169h", week));
  EXPECT_FALSE(parseDuration("1e12", week)) << "would overflow the steady clock's deadline";
  EXPECT_FALSE(parseDuration("0", week));
  EXPECT_FALSE(parseDuration("-1s", week));
  EXPECT_FALSE(parseDuration("1e307h", Interval{0, 1e308})) << "finite number, infinite seconds";
  for (const char *junk : {"nan", "nans", "infh", "inf", "1e999", "", "s", "h", "2d", "2 h", "2hh", "2H", "1,5h"})
    EXPECT_FALSE(parseDuration(junk, week)) << junk;
}

TEST(ParseRealList, CommaSeparated) {
  Interval ms{1, 3600000};
  EXPECT_EQ(parseRealList("100,500", ms), (std::vector<double>{100, 500}));
  EXPECT_EQ(parseRealList("7", ms), (std::vector<double>{7}));
  for (const char *bad : {"", ",", "100,", ",100", "100,,500", "100;500", "100,nan", "inf", "0", "100,3600001", "1 ,2"})
    EXPECT_FALSE(parseRealList(bad, ms)) << bad;
}

TEST(AddCount, BindsAndNamesTheOptionInItsError) {
  CLI::App app;
  int jobs = 7;
  addCount(app, "--jobs", jobs, 1, 256, "parallel runs");
  EXPECT_EQ(parse(app, {}), "");
  EXPECT_EQ(jobs, 7) << "default kept when absent";
  EXPECT_EQ(parse(app, {"--jobs", "256"}), "");
  EXPECT_EQ(jobs, 256);
  EXPECT_EQ(parse(app, {"--jobs=1"}), "");
  EXPECT_EQ(jobs, 1);
  for (const char *bad : {"0", "257", "-1", "nan", "inf", "1e999", "2147483648", "99999999999999999999", "1.5", ""}) {
    jobs = 5;
    EXPECT_EQ(parse(app, {"--jobs", bad}), std::string("--jobs must be an integer from 1 to 256 (not '") + bad + "')");
    EXPECT_EQ(jobs, 5) << "a refused value is not stored: " << bad;
  }
}

TEST(AddCount, RepeatedOptionKeepsTheLast) {
  CLI::App app;
  int64_t budget = 0;
  addCount(app, "--budget", budget, 0, 1000, "runs");
  EXPECT_EQ(parse(app, {"--budget", "3", "--budget", "9"}), "");
  EXPECT_EQ(budget, 9);
}

TEST(AddCount, OptionalRecordsWhetherGiven) {
  CLI::App app;
  std::optional<int64_t> delay;
  addCount(app, "--delay-ms", delay, 0, 3600000, "delay");
  EXPECT_EQ(parse(app, {}), "");
  EXPECT_FALSE(delay);
  EXPECT_EQ(parse(app, {"--delay-ms", "0"}), "");
  EXPECT_EQ(delay, 0);
  EXPECT_EQ(parse(app, {"--delay-ms", "3600001"}), "--delay-ms must be an integer from 0 to 3600000 (not '3600001')");
}

TEST(AddCount, RefusesARangeTheVariableCannotHold) {
  CLI::App app;
  int small = 0;
  uint64_t u = 0;
  EXPECT_THROW(addCount(app, "--a", small, 0, int64_t(1) << 40, ""), std::logic_error);
  EXPECT_THROW(addCount(app, "--b", u, -1, 10, ""), std::logic_error);
}

TEST(AddSeed, WholeUnsignedRange) {
  CLI::App app;
  uint64_t seed = 1;
  addSeed(app, "--seed", seed, "seed");
  EXPECT_EQ(parse(app, {"--seed", "18446744073709551615"}), "");
  EXPECT_EQ(seed, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse(app, {"--seed", "0"}), "");
  EXPECT_EQ(seed, 0u);
  for (const char *bad : {"-1", "18446744073709551616", "nan", "inf", "1e3"})
    EXPECT_EQ(parse(app, {"--seed", bad}),
              std::string("--seed must be an integer from 0 to 18446744073709551615 (not '") + bad + "')");
}

TEST(AddReal, NaNAndInfinityAreRefused) {
  CLI::App app;
  double p = 0.1;
  addReal(app, "--p-value", p, Interval{0, 1, true, false}, "threshold");
  EXPECT_EQ(parse(app, {"--p-value", "1"}), "");
  EXPECT_EQ(p, 1.0);
  EXPECT_EQ(parse(app, {"--p-value", "1e-300"}), "");
  EXPECT_EQ(p, 1e-300);
  for (const char *bad : {"nan", "-nan", "inf", "0", "-1", "1.5", "1e999", "x"}) {
    p = 0.1;
    EXPECT_EQ(parse(app, {"--p-value", bad}), std::string("--p-value must be a number in (0, 1] (not '") + bad + "')");
    EXPECT_EQ(p, 0.1);
  }
}

TEST(AddSeconds, TimeoutLimits) {
  CLI::App app;
  double timeout = 60;
  addSeconds(app, "--timeout", timeout, Interval{0, 7 * 24 * 3600.0, true, false}, "per-run timeout");
  EXPECT_EQ(parse(app, {"--timeout", "2h"}), "");
  EXPECT_EQ(timeout, 7200.0);
  for (const char *bad : {"1e12", "nan", "inf", "0", "-5", "169h", "1e999"})
    EXPECT_EQ(parse(app, {"--timeout", bad}),
              std::string("--timeout must be a duration in (0s, 168h], like 90s, 30m or 2h (not '") + bad + "')");
}

TEST(AddMillisList, WholeMillisecondsInOrder) {
  CLI::App app;
  std::vector<int> delays = {100, 500};
  addMillisList(app, "--delays", delays, 1, 3600000, "delays");
  EXPECT_EQ(parse(app, {"--delays", "500,1,3600000"}), "");
  EXPECT_EQ(delays, (std::vector<int>{500, 1, 3600000}));
  EXPECT_EQ(parse(app, {"--delays", "2.9"}), "");
  EXPECT_EQ(delays, (std::vector<int>{2}));
  for (const char *bad : {"0", "0.5", "-1", "nan", "inf", "100,nan", "3600001", "1e999", ""})
    EXPECT_EQ(parse(app, {"--delays", bad}),
              std::string("--delays must be comma-separated milliseconds from 1 to 3600000, like 100,500 (not '") +
                  bad + "')");
}

TEST(AddSiteIds, HexIdsWithOrWithoutPrefix) {
  CLI::App app;
  std::set<uint64_t> ids;
  addSiteIds(app, "--faults", ids, "faults");
  EXPECT_EQ(parse(app, {"--faults", "0x45bcab058caf9e7b,1f"}), "");
  EXPECT_EQ(ids, (std::set<uint64_t>{0x45bcab058caf9e7bull, 0x1f}));
  for (const char *bad : {"", "0x", "xyz", "0x1,,0x2", "0x11112222333344445", "-1"})
    EXPECT_NE(parse(app, {"--faults", bad}).rfind("--faults must be site ids", 0), std::string::npos) << bad;
}

TEST(AddChecked, CustomParserAndExpectation) {
  CLI::App app;
  std::string keep = "compressed";
  addChecked(
      app, "--keep-traces",
      [&](const std::string &t) {
        if (t != "raw" && t != "none") return false;
        keep = t;
        return true;
      },
      "is compressed, raw or none", "");
  EXPECT_EQ(parse(app, {"--keep-traces", "raw"}), "");
  EXPECT_EQ(keep, "raw");
  EXPECT_EQ(parse(app, {"--keep-traces", "zip"}), "--keep-traces is compressed, raw or none (not 'zip')");
}

TEST(Bindings, ANegativeNumberIsAValueNotAnOption) {
  CLI::App app;
  std::optional<int64_t> x;
  addCount(app, "--x", x, -10, 10, "");
  EXPECT_EQ(parse(app, {"--x", "-10"}), "");
  EXPECT_EQ(x, -10);
}
