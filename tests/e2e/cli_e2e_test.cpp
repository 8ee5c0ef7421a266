// The real `csnake` binary's command line: every numeric option of every command refuses
// nan, inf, negative, zero where it is invalid, and values past its type's range with
// exit 2 and one line naming the option; the edge values of each range are accepted.
// Usage errors exit 2, unknown commands too, --help exits 0.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "e2e_util.h"

using e2e::Result;
using e2e::run;

namespace {

struct NumericOption {
  std::string command, option;
  std::string expectation;           // the message after "csnake CMD: OPTION "
  std::vector<std::string> refused;  // besides the values every option refuses
  std::vector<std::string> accepted;
};

// Refused by every numeric option: not numbers, not finite, negative, past uint64 (and so
// past every option's type). Past int64 / int: in the lists of the options of those types.
const std::vector<std::string> kAlwaysRefused = {
    "nan", "NaN", "inf", "-inf", "1e999", "-1", "abc", "", "18446744073709551616", "99999999999999999999999"};
const std::string kPastInt64 = "9223372036854775808", kPastInt = "2147483648";

const std::string kInt = "must be an integer from ";

std::vector<NumericOption> numericOptions() {
  return {
      {"campaign", "--budget", kInt + "0 to 1000000000", {"1000000001", "1.5", kPastInt64}, {"0", "1000000000"}},
      {"campaign",
       "--time",
       "must be a duration from 0s to 8760h, like 90s, 30m or 2h",
       {"8761h", "1e12", "infh", "2d"},
       {"0", "8760h", "90s", "1.5h"}},
      {"campaign", "--jobs", kInt + "1 to 256", {"0", "257", kPastInt}, {"1", "256"}},
      {"campaign", "--repeats", kInt + "1 to 100", {"0", "101", kPastInt}, {"1", "100"}},
      {"campaign", "--profile-repeats", kInt + "1 to 100", {"0", "101", kPastInt}, {"1", "100"}},
      {"campaign", "--injection-points", kInt + "1 to 64", {"0", "65", kPastInt}, {"1", "64"}},
      {"campaign", "--seed", kInt + "0 to 18446744073709551615", {"1.5"}, {"0", "18446744073709551615"}},
      {"campaign",
       "--timeout",
       "must be a duration in (0s, 168h], like 90s, 30m or 2h",
       {"0", "1e12", "169h", "nans"},
       {"0.001", "168h", "60"}},
      {"campaign",
       "--delays",
       "must be comma-separated milliseconds from 1 to 3600000, like 100,500",
       {"0", "0.5", "3600001", "100,nan", "100,", "100,-1"},
       {"1", "3600000", "500,100"}},
      {"campaign",
       "--phase-split",
       "must be two shares from 0 to 1 summing to at most 1, like 0.5,0.25",
       {"0", "0.5", "0.6,0.5", "nan,0", "0.5,inf", "0.5,0.25,0.25"},
       {"0,0", "1,0", "0.5,0.5"}},
      {"analyze", "--p-value", "must be a number in (0, 1]", {"0", "1.0001"}, {"1", "0.000001"}},
      {"analyze", "--tvd", "must be a number from 0 to 1", {"1.0001"}, {"0", "1"}},
      {"analyze", "--min-repeats", kInt + "1 to 100", {"0", "101", kPastInt}, {"1", "100"}},
      {"analyze", "--max-length", kInt + "1 to 64", {"0", "65", kPastInt}, {"1", "64"}},
      {"analyze", "--max-delays", kInt + "0 to 64", {"65", kPastInt}, {"0", "64"}},
      {"analyze", "--max-cycles", kInt + "1 to 1000000000", {"0", "1000000001", kPastInt64}, {"1", "1000000000"}},
      {"analyze", "--threads", kInt + "1 to 256", {"0", "257", kPastInt}, {"1", "256"}},
      {"exec", "--delay-ms", kInt + "0 to 3600000", {"3600001", "0.5", kPastInt64}, {"0", "3600000"}},
      {"exec", "--seed", kInt + "0 to 18446744073709551615", {"1e3"}, {"0", "18446744073709551615"}},
      {"exec", "--skip", kInt + "0 to 1000000000000", {"1000000000001", kPastInt64}, {"0", "1000000000000"}},
  };
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(CliNumericOptions, RefusedWithExit2AndOneLineNamingTheOption) {
  for (const NumericOption &o : numericOptions()) {
    std::vector<std::string> values = kAlwaysRefused;
    values.insert(values.end(), o.refused.begin(), o.refused.end());
    for (const std::string &v : values) {
      // Both spellings: "--opt VALUE" and "--opt=VALUE" ("--opt=" alone asks for a value).
      for (bool joined : {false, true}) {
        if (joined && v.empty()) continue;
        std::vector<std::string> argv = {CSNAKE_BIN, o.command};
        if (joined)
          argv.push_back(o.option + "=" + v);
        else
          argv.insert(argv.end(), {o.option, v});
        Result r = run(argv, 60);
        std::string expected = "csnake " + o.command + ": " + o.option + " " + o.expectation + " (not '" + v + "')\n";
        EXPECT_EQ(r.status, 2) << o.command << " " << o.option << " '" << v << "'";
        EXPECT_EQ(r.err, expected) << o.command << " " << o.option << " '" << v << "'";
        EXPECT_EQ(r.out, "");
      }
    }
  }
}

TEST(CliNumericOptions, EdgeValuesAreAccepted) {
  e2e::TempDir t;
  for (const NumericOption &o : numericOptions()) {
    for (const std::string &v : o.accepted) {
      SCOPED_TRACE(o.command + " " + o.option + " " + v);
      if (o.command == "campaign") {
        // Parsed, then stopped by the first check after parsing: no campaign runs.
        Result r = run({CSNAKE_BIN, "campaign", o.option, v}, 60);
        EXPECT_EQ(r.status, 2);
        EXPECT_EQ(r.err, "csnake campaign: --build (or --tests-file) and --db are required\n");
      } else if (o.command == "analyze") {
        std::string db = t.path + "/missing.db";
        Result r = run({CSNAKE_BIN, "analyze", "--db", db, o.option, v}, 60);
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(r.err, "csnake analyze: " + db + ": no such campaign database\n");
      } else {
        // exec: the value lands in the plan the command runs with.
        std::string dir = t.path + "/trace";
        Result r = run({CSNAKE_BIN, "exec", "--fault", "0x1", o.option, v, "--trace-out", dir, "--", "/bin/true"}, 60);
        ASSERT_EQ(r.status, 0) << r.err;
        nlohmann::json plan = nlohmann::json::parse(readFile(dir + "/plan.json"));
        std::string key = o.option == "--delay-ms" ? "delay_ms" : o.option.substr(2);
        if (key == "skip" && v == "0") {
          EXPECT_FALSE(plan.contains("skip")) << "skip 0 is the default, not written";
        } else {
          ASSERT_TRUE(plan.contains(key)) << plan.dump();
          EXPECT_EQ(plan[key].dump(), v);
        }
      }
    }
  }
}

TEST(CliNumericOptions, ATimeoutOfATrillionSecondsIsRefusedNotATimeoutAfterZeroSeconds) {
  Result r =
      run({CSNAKE_BIN, "campaign", "--tests-file", "/nonexistent.json", "--db", "/nonexistent.db", "--timeout", "1e12"},
          60);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "csnake campaign: --timeout must be a duration in (0s, 168h], like 90s, 30m or 2h (not '1e12')\n");
}

TEST(CliUsage, ExitStatusesAndMessages) {
  Result none = run({CSNAKE_BIN}, 60);
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("exec"), std::string::npos) << "lists the commands: " << none.err;

  Result help = run({CSNAKE_BIN, "--help"}, 60);
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("campaign"), std::string::npos) << help.out;
  EXPECT_EQ(run({CSNAKE_BIN, "help"}, 60).status, 0);

  Result sub = run({CSNAKE_BIN, "campaign", "--help"}, 60);
  EXPECT_EQ(sub.status, 0);
  EXPECT_NE(sub.out.find("--jobs"), std::string::npos) << sub.out;
  EXPECT_NE(sub.out.find("--phase-split"), std::string::npos) << sub.out;

  Result unknown = run({CSNAKE_BIN, "frobnicate"}, 60);
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err, "csnake: unknown command 'frobnicate' (try 'csnake --help')\n");

  Result option = run({CSNAKE_BIN, "status", "--db", "x.db", "--frob"}, 60);
  EXPECT_EQ(option.status, 2);
  EXPECT_EQ(option.err.rfind("csnake status: ", 0), 0u) << option.err;
  EXPECT_NE(option.err.find("--frob"), std::string::npos) << option.err;

  Result db = run({CSNAKE_BIN, "cycles"}, 60);
  EXPECT_EQ(db.status, 2);
  EXPECT_EQ(db.err, "csnake cycles: --db is required\n");

  Result choice = run({CSNAKE_BIN, "analyze", "--db", "x.db", "--continuation", "some"}, 60);
  EXPECT_EQ(choice.status, 2);
  EXPECT_EQ(choice.err, "csnake analyze: --continuation must be reach or any (not 'some')\n");
}

TEST(CliUsage, ExecTakesEverythingAfterDashesAsTheCommand) {
  e2e::TempDir t;
  std::string dir = t.path + "/trace";
  // Options of the command itself, even ones csnake also has, are the command's.
  Result r = run({CSNAKE_BIN, "exec", "--trace-out", dir, "--", "/bin/sh", "-c", "echo \"$0|$1\"", "--json", "--"}, 60);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "--json|--\n");

  Result exitCode = run({CSNAKE_BIN, "exec", "--trace-out", dir, "--", "/bin/sh", "-c", "exit 7"}, 60);
  EXPECT_EQ(exitCode.status, 7);

  Result notFound = run({CSNAKE_BIN, "exec", "--trace-out", dir, "--", "/nonexistent/cmd"}, 60);
  EXPECT_EQ(notFound.status, 127);
  EXPECT_EQ(notFound.err, "csnake exec: /nonexistent/cmd: No such file or directory\n");

  Result signalled = run({CSNAKE_BIN, "exec", "--trace-out", dir, "--", "/bin/sh", "-c", "kill -TERM $$"}, 60);
  EXPECT_EQ(signalled.status, 128 + 15);

  Result noTraceDir = run({CSNAKE_BIN, "exec", "--trace-out", "/proc/csnake-cannot-create", "--", "/bin/true"}, 60);
  EXPECT_EQ(noTraceDir.status, 2);
  EXPECT_EQ(noTraceDir.err.rfind("csnake exec: cannot create /proc/csnake-cannot-create: ", 0), 0u) << noTraceDir.err;

  Result missing = run({CSNAKE_BIN, "exec", "--trace-out", dir}, 60);
  EXPECT_EQ(missing.status, 127);
  EXPECT_EQ(missing.err, "csnake exec: missing command after --\n");

  Result stray = run({CSNAKE_BIN, "exec", "--trace-out", dir, "/bin/true", "--", "/bin/true"}, 60);
  EXPECT_EQ(stray.status, 2);
  EXPECT_EQ(stray.err.rfind("csnake exec: ", 0), 0u) << stray.err;

  Result needsFault = run({CSNAKE_BIN, "exec", "--skip", "3", "--trace-out", dir, "--", "/bin/true"}, 60);
  EXPECT_EQ(needsFault.status, 2);
  EXPECT_EQ(needsFault.err, "csnake exec: --context/--delay-ms/--errno/--skip need --fault\n");

  Result noDir = run({CSNAKE_BIN, "exec", "--", "/bin/true"}, 60);
  EXPECT_EQ(noDir.status, 2);
  EXPECT_EQ(noDir.err, "csnake exec: --trace-out DIR is required\n");

  Result mode =
      run({CSNAKE_BIN, "exec", "--fault", "0x1", "--mode", "p=nan", "--trace-out", dir, "--", "/bin/true"}, 60);
  EXPECT_EQ(mode.status, 2);
  EXPECT_EQ(mode.err, "csnake exec: --mode is once, always or p=<0..1> (not 'p=nan')\n");

  Result fault = run({CSNAKE_BIN, "exec", "--fault", "0x0", "--trace-out", dir, "--", "/bin/true"}, 60);
  EXPECT_EQ(fault.status, 2);
  EXPECT_EQ(fault.err, "csnake exec: --fault must be a non-zero site id in hex, e.g. 0x1f2e... (not '0x0')\n");
}

TEST(CliUsage, DomainErrorsAreOneLineWithExit1) {
  e2e::TempDir t;
  Result trace = run({CSNAKE_BIN, "trace", t.path}, 60);
  EXPECT_EQ(trace.status, 1);
  EXPECT_EQ(trace.err.rfind("csnake trace: " + t.path, 0), 0u) << trace.err;
  EXPECT_EQ(trace.err.find('\n'), trace.err.size() - 1) << trace.err;

  Result sites = run({CSNAKE_BIN, "sites", "/nonexistent/binary"}, 60);
  EXPECT_EQ(sites.status, 1);
  EXPECT_EQ(sites.err.rfind("csnake sites: /nonexistent/binary", 0), 0u) << sites.err;
  EXPECT_EQ(sites.err.find('\n'), sites.err.size() - 1) << sites.err;

  Result tests = run({CSNAKE_BIN, "tests", "--tests-file", "/nonexistent/tests.json"}, 60);
  EXPECT_EQ(tests.status, 1);
  EXPECT_EQ(tests.err.rfind("csnake tests: ", 0), 0u) << tests.err;
  EXPECT_EQ(tests.err.find('\n'), tests.err.size() - 1) << tests.err;
}
