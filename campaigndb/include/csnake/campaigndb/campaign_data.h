// A campaign database read whole, as the analyzer works on it: experiments with their
// runs and the runs' trace summaries, keyed by the site-id strings the database stores
// ("0x" + 16 hex digits, csnake/common/site_id.h). Read by campaign_reader.h.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "csnake/common/experiment_kind.h"
#include "csnake/common/run_state.h"

namespace csnake {

using SiteRef = std::string;                   // "0x0123..." as stored
using LoopKey = std::pair<SiteRef, SiteRef>;   // (loop, callsig)
using EventKey = std::pair<SiteRef, SiteRef>;  // (site, context loop)

struct EventData {
  uint64_t reached = 0, occurred = 0, injected = 0;  // summed over call sites and nodes
};

struct LoopData {
  SiteRef parent;  // "" or the zero id when the loop had no enclosing loop
  uint64_t invocations = 0, iterations = 0;
  std::map<uint64_t, uint64_t> histogram;  // iterations per invocation -> count
};

struct Decision {
  SiteRef site;
  uint32_t value = 0;  // 0 / 1 = branch condition false / true, 2 = event
  bool operator<(const Decision &o) const { return site != o.site ? site < o.site : value < o.value; }
  bool operator==(const Decision &o) const { return site == o.site && value == o.value; }
};

struct PathData {
  uint64_t count = 0;
  std::vector<Decision> decisions;
};

struct RunData {
  int64_t id = 0;
  int repeat = 0;
  RunState state = RunState::Planned;
  bool hasSummary = false;  // a receipt row exists (the trace was ingested)
  bool fired = false;
  int64_t wallMs = 0;       // the test's wall time (0 when unknown)
  std::map<EventKey, EventData> events;
  std::map<LoopKey, LoopData> loops;
  std::map<LoopKey, std::map<SiteRef, PathData>> paths;  // signature -> path
};

struct ExperimentData {
  int64_t id = 0;
  ExperimentKind kind = ExperimentKind::Profile;
  int64_t testId = 0;
  std::string testName;
  SiteRef fault, context;  // "" for profiles; context "" = any
  std::string mode;
  int delayMs = 0;
  std::vector<RunData> runs;
};

struct SiteInfo {
  SiteRef id;
  std::string kind, file, function, detail;
  int64_t line = 0;
  uint32_t flags = 0;
  SiteRef parentLoop;
};

struct CampaignData {
  std::vector<ExperimentData> experiments;
  std::map<SiteRef, SiteInfo> sites;
  std::map<int64_t, std::string> testNames;
};

bool isZeroSite(const SiteRef &s);  // "", "0x0000000000000000", "0x0"

}  // namespace csnake
