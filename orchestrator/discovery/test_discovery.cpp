#include "discovery/test_discovery.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "process/subprocess.h"

namespace fs = std::filesystem;

namespace csnake {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string stripComment(const std::string &s) {
  size_t hash = s.find('#');
  return trim(hash == std::string::npos ? s : s.substr(0, hash));
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string absolutePath(const std::string &p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

// Runs a listing command with a deadline and returns its stdout; throws with a one-line
// reason naming `what`.
std::string captureStdout(const std::vector<std::string> &argv, double timeout, const std::string &what) {
  char tmpl[] = "/tmp/csnake-list-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw DiscoveryError(what + ": cannot create a temporary file: " + std::strerror(errno));
  close(fd);
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = currentEnvironment({"CSNAKE_"});
  spec.stdoutPath = tmpl;
  ProcessStatus st = runProcess(spec, timeout);
  std::string out;
  readFile(tmpl, out);
  unlink(tmpl);
  if (!st.succeeded()) throw DiscoveryError(what + ": listing tests failed (" + st.describe() + ")");
  return out;
}

// The bytes of an executable ELF file at `path`; false for anything else.
bool readExecutableElf(const std::string &path, std::string &bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || access(path.c_str(), X_OK) != 0) return false;
  return readFile(path, bytes) && bytes.compare(0, 4,
                                                "\x7f"
                                                "ELF") == 0;
}

bool looksLikeGtestBinary(const std::string &path) {
  std::string bytes;
  return readExecutableElf(path, bytes) && bytes.find("gtest_list_tests") != std::string::npos;
}

// libcheck (statically linked, as Debian ships it) reads CK_RUN_CASE; a binary that links
// it dynamically names srunner_run_all among its imports.
bool looksLikeCheckBinary(const std::string &path) {
  std::string bytes;
  return readExecutableElf(path, bytes) &&
         (bytes.find("CK_RUN_CASE") != std::string::npos || bytes.find("srunner_run") != std::string::npos);
}

bool wildcardMatch(const char *pat, const char *s) {
  for (; *pat; ++pat, ++s) {
    if (*pat == '*') {
      for (const char *t = s;; ++t) {
        if (wildcardMatch(pat + 1, t)) return true;
        if (!*t) return false;
      }
    }
    if (!*s || (*pat != '?' && *pat != *s)) return false;
  }
  return !*s;
}

bool matchesAny(const std::string &id, const std::string &patterns) {
  std::stringstream ss(patterns);
  std::string p;
  while (std::getline(ss, p, ':'))
    if (!p.empty() && wildcardMatch(p.c_str(), id.c_str())) return true;
  return false;
}

bool isEnvAssignment(const std::string &s) {
  size_t eq = s.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i)
    if (!(std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) return false;
  return !std::isdigit(static_cast<unsigned char>(s[0]));
}

}  // namespace

void unwrapEnvCommand(TestCase &tc) {
  // `env K=V… PROGRAM ARGS`: the assignments become the test's environment and PROGRAM
  // its binary, so csnake finds the instrumented program and its sites. Other env options
  // (-i, -u, --) are left alone: the command then runs as written.
  if (tc.argv.size() < 2 || fs::path(tc.argv[0]).filename() != "env") return;
  size_t i = 1;
  while (i < tc.argv.size() && isEnvAssignment(tc.argv[i])) ++i;
  if (i == 1 || i == tc.argv.size() || tc.argv[i].rfind("-", 0) == 0) return;
  tc.env.insert(tc.env.end(), tc.argv.begin() + 1, tc.argv.begin() + static_cast<long>(i));
  tc.argv.erase(tc.argv.begin(), tc.argv.begin() + static_cast<long>(i));
  tc.binary = tc.argv[0];
}

std::vector<std::string> parseGtestList(const std::string &output) {
  std::vector<std::string> ids;
  std::istringstream in(output);
  std::string line, suite;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string name = stripComment(line);
    if (line[0] != ' ') {
      // A suite line ends with '.'; anything else is noise printed by the binary.
      suite = (!name.empty() && name.back() == '.') ? name : "";
      continue;
    }
    if (suite.empty() || name.empty()) continue;
    std::string id = suite + name;
    if (id.find("DISABLED_") != std::string::npos) continue;
    ids.push_back(id);
  }
  return ids;
}

std::vector<TestCase> discoverGtestBinary(const std::string &binary, const DiscoveryOptions &opts) {
  std::string bin = absolutePath(binary);
  std::string out = captureStdout({bin, "--gtest_list_tests"}, opts.listTimeoutSeconds, bin);
  std::vector<TestCase> tests;
  for (const std::string &id : parseGtestList(out))
    tests.push_back({id, bin, "gtest", {bin, "--gtest_filter=" + id}, "", {}, {}});
  return tests;
}

CheckListing parseCheckVerboseOutput(const std::string &output) {
  // "Running suite(s): A" names the first suite and " B" (one leading space) each later
  // one as it starts; the results come at the end, "FILE:LINE:RESULT:TCASE:TEST:ITER:
  // MESSAGE" with RESULT one of P, F, E (libcheck's CK_VERBOSE format), and do not say
  // which suite a case belongs to.
  CheckListing out;
  std::set<std::string> seenSuites, seenCases;
  std::istringstream in(output);
  std::string line;
  const std::string header = "Running suite(s):";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string suite;
    if (line.rfind(header, 0) == 0)
      suite = trim(line.substr(header.size()));
    else if (line.size() > 1 && line[0] == ' ' && line[1] != ' ' && line.find(':') == std::string::npos)
      suite = trim(line);
    if (!suite.empty() && suite.find(':') == std::string::npos) {
      if (seenSuites.insert(suite).second) out.suites.push_back(suite);
      continue;
    }
    std::vector<std::string> f;
    size_t pos = 0;
    for (int k = 0; k < 6; ++k) {
      size_t c = line.find(':', pos);
      if (c == std::string::npos) break;
      f.push_back(line.substr(pos, c - pos));
      pos = c + 1;
    }
    if (f.size() != 6) continue;
    const std::string &lineNo = f[1], &result = f[2], &tcase = f[3], &iter = f[5];
    auto digits = [](const std::string &x) { return !x.empty() && std::all_of(x.begin(), x.end(), ::isdigit); };
    if (!digits(lineNo) || !digits(iter) || tcase.empty()) continue;
    if (result != "P" && result != "F" && result != "E") continue;
    if (seenCases.insert(tcase).second) out.cases.push_back(tcase);
  }
  return out;
}

namespace {

// One verbose run of a check binary (CK_VERBOSITY=verbose plus `extraEnv`), its output.
std::string verboseCheckRun(const TestCase &whole, const std::vector<std::string> &extraEnv,
                            const DiscoveryOptions &opts, std::string &status) {
  char tmpl[] = "/tmp/csnake-list-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw DiscoveryError(whole.binary + ": cannot create a temporary file: " + std::strerror(errno));
  close(fd);
  char dir[] = "/tmp/csnake-listdir-XXXXXX";
  if (!mkdtemp(dir)) {
    unlink(tmpl);
    throw DiscoveryError(whole.binary + ": cannot create a temporary directory: " + std::strerror(errno));
  }
  ProcessSpec spec;
  spec.argv = whole.argv;
  spec.env = currentEnvironment({"CSNAKE_"});
  std::vector<std::string> env = whole.env;
  env.insert(env.end(), extraEnv.begin(), extraEnv.end());
  env.push_back("CK_VERBOSITY=verbose");
  for (const std::string &kv : env) setEnv(spec.env, kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
  // Listing runs the tests: never in the test's own working directory at the same time as
  // anything else, and never leaving files there.
  spec.cwd = dir;
  spec.stdoutPath = spec.stderrPath = tmpl;
  ProcessStatus st = runProcess(spec, opts.checkListTimeoutSeconds);
  std::string out;
  readFile(tmpl, out);
  unlink(tmpl);
  std::error_code ec;
  fs::remove_all(dir, ec);
  status = st.describe();
  return out;
}

}  // namespace

std::vector<TestCase> discoverCheckCases(const TestCase &whole, const DiscoveryOptions &opts) {
  // libcheck cannot list its cases: the binary runs once, verbose, and its output names
  // the suites and the cases; with several suites, once more per suite (CK_RUN_SUITE) to
  // tell whose the cases are. Failing checks are fine (the exit status is not looked
  // at); a binary that names no case is an error.
  std::string status;
  CheckListing all = parseCheckVerboseOutput(verboseCheckRun(whole, {}, opts, status));
  if (all.cases.empty())
    throw DiscoveryError(whole.binary + ": a check test binary, but its verbose run named no case (" + status + ")");
  std::vector<std::pair<std::string, std::string>> pairs;
  if (all.suites.size() == 1) {
    for (const std::string &c : all.cases) pairs.push_back({all.suites.front(), c});
  } else {
    for (const std::string &suite : all.suites)
      for (const std::string &c :
           parseCheckVerboseOutput(verboseCheckRun(whole, {"CK_RUN_SUITE=" + suite}, opts, status)).cases)
        pairs.push_back({suite, c});
    if (pairs.empty())
      throw DiscoveryError(whole.binary + ": a check test binary, but no case ran when one suite was selected (" +
                           status + ")");
  }
  std::vector<TestCase> tests;
  for (const auto &[suite, tcase] : pairs) {
    TestCase one = whole;
    one.id = whole.id + "/" + suite + "/" + tcase;
    one.adapter = whole.adapter + "+check";
    // One case per run, in the test process itself: a run is then one process whose
    // counts are the case's (no fork per test, whose reach counts a skip could not use).
    one.env.push_back("CK_RUN_SUITE=" + suite);
    one.env.push_back("CK_RUN_CASE=" + tcase);
    one.env.push_back("CK_FORK=no");
    tests.push_back(std::move(one));
  }
  return tests;
}

std::vector<TestCase> parseCtestJson(const std::string &json, const DiscoveryOptions &opts,
                                     bool expandWholeGtestBinaries) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception &e) {
    throw DiscoveryError(std::string("ctest --show-only=json-v1: unreadable output (") + e.what() + ")");
  }
  std::vector<TestCase> tests;
  for (const auto &t : doc.value("tests", nlohmann::json::array())) {
    std::string name = t.value("name", "");
    if (!t.contains("command") || name.empty()) continue;  // e.g. a *_NOT_BUILT placeholder
    TestCase tc;
    tc.id = name;
    tc.adapter = "ctest";
    tc.argv = t["command"].get<std::vector<std::string>>();
    if (tc.argv.empty()) continue;
    tc.binary = tc.argv[0];
    for (const auto &p : t.value("properties", nlohmann::json::array())) {
      if (p.value("name", "") == "WORKING_DIRECTORY") tc.cwd = p["value"].get<std::string>();
      if (p.value("name", "") == "LABELS") tc.labels = p["value"].get<std::vector<std::string>>();
      if (p.value("name", "") == "ENVIRONMENT" && p["value"].is_array())
        for (const auto &kv : p["value"])
          if (kv.is_string() && isEnvAssignment(kv.get<std::string>())) tc.env.push_back(kv.get<std::string>());
    }
    unwrapEnvCommand(tc);
    if (!opts.labelFilter.empty() && std::find(tc.labels.begin(), tc.labels.end(), opts.labelFilter) == tc.labels.end())
      continue;
    bool filtered = std::any_of(tc.argv.begin(), tc.argv.end(),
                                [](const std::string &a) { return a.rfind("--gtest_filter", 0) == 0; });
    // gtest_discover_tests names value-/type-parameterised tests "Inst/Suite.Test/0  #
    // GetParam() = x": the comment is not part of the test's id (the filter argument is),
    // and an id with it matches no --tests filter written with the GoogleTest id.
    size_t comment = tc.id.find("  # ");
    if (comment != std::string::npos) tc.id = trim(tc.id.substr(0, comment));
    if (expandWholeGtestBinaries && !filtered && looksLikeGtestBinary(tc.binary)) {
      for (TestCase one : discoverGtestBinary(tc.binary, opts)) {
        one.argv.insert(one.argv.end(), tc.argv.begin() + 1, tc.argv.end());
        one.cwd = tc.cwd;
        one.labels = tc.labels;
        one.env = tc.env;
        one.adapter = "ctest+gtest";
        tests.push_back(std::move(one));
      }
      continue;
    }
    bool oneCase = std::any_of(tc.env.begin(), tc.env.end(),
                               [](const std::string &kv) { return kv.rfind("CK_RUN_CASE=", 0) == 0; });
    if (expandWholeGtestBinaries && !oneCase && looksLikeCheckBinary(tc.binary)) {
      for (TestCase &one : discoverCheckCases(tc, opts)) tests.push_back(std::move(one));
      continue;
    }
    tests.push_back(std::move(tc));
  }
  return tests;
}

std::vector<TestCase> parseTestList(const std::string &path) {
  std::string text;
  if (!readFile(path, text)) throw DiscoveryError(path + ": cannot read test list");
  std::vector<TestCase> tests;
  std::string first = trim(text);
  if (!first.empty() && first[0] == '[') {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text);
      for (const auto &t : doc) {
        TestCase tc;
        tc.id = t.at("id").get<std::string>();
        tc.argv = t.at("argv").get<std::vector<std::string>>();
        tc.cwd = t.value("cwd", "");
        if (tc.argv.empty()) throw DiscoveryError(path + ": test '" + tc.id + "' has an empty argv");
        // "env": {"K": "V", ...} or ["K=V", ...]
        if (t.contains("env")) {
          const auto &env = t["env"];
          if (env.is_object()) {
            for (auto it = env.begin(); it != env.end(); ++it) tc.env.push_back(it.key() + "=" + it.value().get<std::string>());
          } else if (env.is_array()) {
            tc.env = env.get<std::vector<std::string>>();
          } else {
            throw DiscoveryError(path + ": test '" + tc.id + "': env must be an object or a list of KEY=VALUE");
          }
          for (const std::string &kv : tc.env)
            if (!isEnvAssignment(kv))
              throw DiscoveryError(path + ": test '" + tc.id + "': '" + kv + "' is not a KEY=VALUE assignment");
        }
        tests.push_back(std::move(tc));
      }
    } catch (const nlohmann::json::exception &e) {
      throw DiscoveryError(path + ": malformed test list (" + e.what() + ")");
    }
  } else {
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
      ++lineNo;
      if (trim(line).empty() || trim(line)[0] == '#') continue;
      std::vector<std::string> fields;
      std::stringstream ss(line);
      std::string f;
      while (std::getline(ss, f, '\t'))
        if (!f.empty()) fields.push_back(f);
      if (fields.size() < 2) throw DiscoveryError(path + ":" + std::to_string(lineNo) + ": expected ID<TAB>COMMAND...");
      TestCase tc;
      tc.id = fields[0];
      tc.argv.assign(fields.begin() + 1, fields.end());
      tests.push_back(std::move(tc));
    }
  }
  for (TestCase &tc : tests) {
    tc.adapter = "list";
    unwrapEnvCommand(tc);
    // Runs execute in their own working directories: a relative program path is taken
    // relative to where csnake was started.
    if (tc.argv[0].find('/') != std::string::npos) tc.argv[0] = absolutePath(tc.argv[0]);
    tc.binary = tc.argv[0];
  }
  return tests;
}

std::vector<TestCase> discoverTests(const std::string &buildDir, const std::string &listFile,
                                    const DiscoveryOptions &opts) {
  std::vector<TestCase> tests;
  if (!listFile.empty()) {
    tests = parseTestList(listFile);
  } else {
    struct stat st;
    if (stat(buildDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw DiscoveryError(buildDir + ": build directory does not exist");
    if (fs::exists(fs::path(buildDir) / "CTestTestfile.cmake")) {
      std::string out = captureStdout({"ctest", "--test-dir", absolutePath(buildDir), "--show-only=json-v1"},
                                      opts.listTimeoutSeconds, buildDir);
      tests = parseCtestJson(out, opts, true);
    } else {
      std::vector<std::string> binaries;
      for (const fs::path &dir : {fs::path(buildDir), fs::path(buildDir) / "bin"}) {
        std::error_code ec;
        for (const auto &e : fs::directory_iterator(dir, ec))
          if (looksLikeGtestBinary(e.path().string())) binaries.push_back(e.path().string());
      }
      std::sort(binaries.begin(), binaries.end());
      for (const std::string &b : binaries) {
        std::vector<TestCase> some = discoverGtestBinary(b, opts);
        tests.insert(tests.end(), some.begin(), some.end());
      }
    }
    if (tests.empty()) throw DiscoveryError(buildDir + ": no tests found (no CTest tests, no GoogleTest binaries)");
  }
  // Two tests with one id would make runs ambiguous: keep the first, as ctest would.
  std::vector<TestCase> unique;
  for (TestCase &t : tests)
    if (std::none_of(unique.begin(), unique.end(), [&](const TestCase &u) { return u.id == t.id; }))
      unique.push_back(std::move(t));
  return unique;
}

bool matchesGtestFilter(const std::string &id, const std::string &filter) {
  if (filter.empty()) return true;
  size_t dash = filter.find('-');
  std::string pos = filter.substr(0, dash), neg = dash == std::string::npos ? "" : filter.substr(dash + 1);
  if (!pos.empty() && !matchesAny(id, pos)) return false;
  return neg.empty() || !matchesAny(id, neg);
}

std::vector<TestCase> filterTests(const std::vector<TestCase> &tests, const std::string &filter) {
  std::vector<TestCase> out;
  for (const TestCase &t : tests)
    if (matchesGtestFilter(t.id, filter)) out.push_back(t);
  return out;
}

}  // namespace csnake
