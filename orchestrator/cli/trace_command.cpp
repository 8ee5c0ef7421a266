// `csnake trace DIR [--json]`: decodes every *.cstrace of a run directory (sorted) into
// one merged view.
//
// JSON (stable; keys in this order; ids are "0x" + 16 hex digits; nodes by name):
//   {"dir": DIR,
//    "processes": [{"file","pid","ppid","node","exe","flush_reason","flush_signal",
//                   "flush_count","receipt":{...},"stats":{...}}],
//    "events": [{"site","kind","context","callsig","node","reach","occur","injected",
//                "last_errno", + "file","line","function" when the catalogue knows the site}],
//    "loops": [{"loop","callsig","node","parent","invocations","iterations",
//               "max_iterations","open_invocations","open_iterations",
//               "histogram":[[low_iterations,count],...],
//               "paths":[{"pathsig","count","overflow","decisions":[["0x..site",v],...]}],
//               + "file","line","function"}],
//    "receipt": {"has_plan","fault","context","mode","skip","armed","fired","fire_count",
//                "first_fire_ns"}}
// Records of different processes with the same key (site, context, call site, node) are
// summed. Decision values: 0 = false, 1 = true, 2 = event (throw / failed call).
// Errors: one line "csnake trace: DIR/FILE: problem", exit 1.
#include "commands.h"

#include "catalog/site_catalog.h"

#include <csnake/abi.h>
#include <csnake/trace_merge.h>
#include <csnake/trace_reader.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

namespace csnake::cli {

namespace {

using nlohmann::ordered_json;
using namespace csnake::trace;

std::string hexId(uint64_t v) { return formatSiteId(v); }

const char *kindName(uint32_t k) { return siteKindName(static_cast<SiteKind>(k)); }

// Site annotations from the instrumented binaries named in the trace headers.
// This is the one place the site catalogue plugs in.
class SiteAnnotator {
 public:
  void addBinary(const std::string &exe) {
    if (exe.empty() || tried_.count(exe)) return;
    tried_.insert(exe);
    struct stat st;
    if (stat(exe.c_str(), &st) != 0) return;
    try {
      catalogs_.push_back(std::make_unique<SiteCatalog>(SiteCatalog::fromBinary(exe)));
    } catch (const std::exception &) {
      // not instrumented or unreadable: ids only
    }
  }
  const FaultSite *find(uint64_t id) const {
    for (const auto &c : catalogs_)
      if (const FaultSite *s = c->find(id)) return s;
    return nullptr;
  }
  void annotate(ordered_json &j, uint64_t id) const {
    if (const FaultSite *s = find(id)) {
      j["file"] = s->file;
      j["line"] = s->line;
      j["function"] = s->demangled.empty() ? s->function : s->demangled;
    }
  }

 private:
  std::set<std::string> tried_;
  std::vector<std::unique_ptr<SiteCatalog>> catalogs_;
};

std::string modeText(const ReceiptRecord &r) {
  if (!r.has_plan) return "none";
  if (r.mode == uint32_t(PlanMode::Probability)) {
    char b[32];
    std::snprintf(b, sizeof b, "p=%g", r.probability);
    return b;
  }
  return planModeName(r.mode);
}

ordered_json receiptJson(const ReceiptRecord &r) {
  ordered_json j;
  j["has_plan"] = bool(r.has_plan);
  j["fault"] = hexId(r.fault);
  j["context"] = hexId(r.context);
  j["mode"] = modeText(r);
  j["skip"] = r.skip;
  j["armed"] = bool(r.armed);
  j["fired"] = bool(r.fired);
  j["fire_count"] = r.fire_count;
  j["first_fire_ns"] = r.first_fire_ns;
  return j;
}

ordered_json statsJson(const StatsRecord &s) {
  ordered_json j;
  j["modules_registered"] = s.modules_registered;
  j["modules_rejected"] = s.modules_rejected;
  j["sites_registered"] = s.sites_registered;
  j["events_dropped"] = s.events_dropped;
  j["loops_dropped"] = s.loops_dropped;
  j["paths_dropped"] = s.paths_dropped;
  j["loop_stack_overflow"] = s.loop_stack_overflow;
  j["path_pair_overflow"] = s.path_pair_overflow;
  j["iterations_sampled_out"] = s.iterations_sampled_out;
  j["threads_untracked"] = s.threads_untracked;
  return j;
}

struct TraceArgs {
  std::string dir;
  bool json = false;
};

int runTraceCommand(const TraceArgs &a) {
  const std::string &dir = a.dir;
  const bool json = a.json;
  TraceDirectory td = TraceDirectory::read(dir);

  SiteAnnotator sites;
  for (const auto &f : td.files) sites.addBinary(f.exe());

  ordered_json processes = ordered_json::array();
  for (const auto &f : td.files) {
    ordered_json p;
    std::string file = f.path.substr(f.path.find_last_of('/') + 1);
    p["file"] = file;
    p["pid"] = f.header.pid;
    p["ppid"] = f.header.ppid;
    p["node"] = f.processNode();
    p["exe"] = f.exe();
    p["flush_reason"] = flushReasonName(f.header.flush_reason);
    p["flush_signal"] = f.header.flush_signal;
    p["flush_count"] = f.header.flush_count;
    p["receipt"] = receiptJson(f.receipt);
    p["stats"] = statsJson(f.stats);
    processes.push_back(p);
  }
  // Each node's loops apart, and open invocations shown as such (MergeOptions defaults).
  MergedTrace merged = mergeTraces(td, MergeOptions{});
  const ReceiptRecord &receipt = merged.receipt;

  ordered_json ev = ordered_json::array();
  for (const auto &[k, a] : merged.events) {
    ordered_json j;
    j["site"] = hexId(std::get<0>(k));
    uint32_t kind = a.kind;
    if (!kind)
      if (const FaultSite *s = sites.find(std::get<0>(k))) kind = uint32_t(s->kind);
    j["kind"] = kindName(kind);
    j["context"] = hexId(std::get<1>(k));
    j["callsig"] = hexId(std::get<2>(k));
    j["node"] = std::get<3>(k);
    j["reach"] = a.reach;
    j["occur"] = a.occur;
    j["injected"] = a.injected;
    j["last_errno"] = a.lastErrno;
    sites.annotate(j, std::get<0>(k));
    ev.push_back(j);
  }
  // A loop is listed when it has a loop record, path records, or both.
  std::set<MergedTrace::LoopKey> loopKeys;
  for (const auto &[k, l] : merged.loops) loopKeys.insert(k);
  for (const auto &[k, p] : merged.paths) loopKeys.insert({std::get<0>(k), std::get<1>(k), std::get<2>(k)});
  ordered_json lo = ordered_json::array();
  for (const MergedTrace::LoopKey &k : loopKeys) {
    auto found = merged.loops.find(k);
    const MergedLoop &a = found != merged.loops.end() ? found->second : MergedLoop{};
    ordered_json j;
    j["loop"] = hexId(std::get<0>(k));
    j["callsig"] = hexId(std::get<1>(k));
    j["node"] = std::get<2>(k);
    j["parent"] = hexId(a.parent);
    j["invocations"] = a.invocations;
    j["iterations"] = a.iterations;
    j["max_iterations"] = a.maxIterations;
    j["open_invocations"] = a.openInvocations;
    j["open_iterations"] = a.openIterations;
    ordered_json h = ordered_json::array();
    for (const auto &[low, c] : a.histogram) h.push_back({low, c});
    j["histogram"] = h;
    ordered_json ps = ordered_json::array();
    auto first = merged.paths.lower_bound({std::get<0>(k), std::get<1>(k), std::get<2>(k), 0});
    for (auto it = first; it != merged.paths.end() && std::get<0>(it->first) == std::get<0>(k) &&
                          std::get<1>(it->first) == std::get<1>(k) && std::get<2>(it->first) == std::get<2>(k);
         ++it) {
      const MergedPath &p = it->second;
      ordered_json pj;
      pj["pathsig"] = hexId(std::get<3>(it->first));
      pj["count"] = p.count;
      pj["overflow"] = p.overflow;
      ordered_json d = ordered_json::array();
      for (const auto &pr : p.pairs) d.push_back({hexId(pr.site), pr.value});
      pj["decisions"] = d;
      ps.push_back(pj);
    }
    j["paths"] = ps;
    sites.annotate(j, std::get<0>(k));
    lo.push_back(j);
  }

  if (json) {
    ordered_json out;
    out["dir"] = dir;
    out["processes"] = processes;
    out["events"] = ev;
    out["loops"] = lo;
    out["receipt"] = receiptJson(receipt);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }

  std::printf("trace %s: %zu process(es)\n", dir.c_str(), td.files.size());
  for (const auto &p : processes)
    std::printf("  pid %d (ppid %d) node %s  exe %s  flush %s  [%s]\n", p["pid"].get<int>(), p["ppid"].get<int>(),
                p["node"].get<std::string>().empty() ? "-" : p["node"].get<std::string>().c_str(),
                p["exe"].get<std::string>().c_str(), p["flush_reason"].get<std::string>().c_str(),
                p["file"].get<std::string>().c_str());
  std::printf("receipt: plan %s", receipt.has_plan ? "yes" : "none");
  if (receipt.has_plan)
    std::printf("  fault %s context %s mode %s%s  armed %s  fired %s  fire_count %llu", hexId(receipt.fault).c_str(),
                hexId(receipt.context).c_str(), modeText(receipt).c_str(),
                receipt.skip ? (" skip " + std::to_string(receipt.skip)).c_str() : "", receipt.armed ? "yes" : "no",
                receipt.fired ? "yes" : "no", (unsigned long long)receipt.fire_count);
  std::printf("\n");
  std::printf("events (%zu):\n", ev.size());
  for (const auto &e : ev) {
    std::printf("  %s %-12s ctx %s callsig %s node %-6s reach %llu occur %llu injected %llu",
                e["site"].get<std::string>().c_str(), e["kind"].get<std::string>().c_str(),
                e["context"].get<std::string>().c_str(), e["callsig"].get<std::string>().c_str(),
                e["node"].get<std::string>().empty() ? "-" : e["node"].get<std::string>().c_str(),
                (unsigned long long)e["reach"].get<uint64_t>(), (unsigned long long)e["occur"].get<uint64_t>(),
                (unsigned long long)e["injected"].get<uint64_t>());
    if (e["last_errno"].get<int>()) std::printf(" errno %s", std::strerror(e["last_errno"].get<int>()));
    if (e.contains("file"))
      std::printf("  %s:%u %s", e["file"].get<std::string>().c_str(), e["line"].get<unsigned>(),
                  e["function"].get<std::string>().c_str());
    std::printf("\n");
  }
  std::printf("loops (%zu):\n", lo.size());
  for (const auto &l : lo) {
    std::printf("  %s callsig %s node %-6s parent %s invocations %llu iterations %llu max %llu",
                l["loop"].get<std::string>().c_str(), l["callsig"].get<std::string>().c_str(),
                l["node"].get<std::string>().empty() ? "-" : l["node"].get<std::string>().c_str(),
                l["parent"].get<std::string>().c_str(), (unsigned long long)l["invocations"].get<uint64_t>(),
                (unsigned long long)l["iterations"].get<uint64_t>(),
                (unsigned long long)l["max_iterations"].get<uint64_t>());
    if (l["open_invocations"].get<uint64_t>())
      std::printf(" open %llu (%llu iterations)", (unsigned long long)l["open_invocations"].get<uint64_t>(),
                  (unsigned long long)l["open_iterations"].get<uint64_t>());
    if (l.contains("file"))
      std::printf("  %s:%u %s", l["file"].get<std::string>().c_str(), l["line"].get<unsigned>(),
                  l["function"].get<std::string>().c_str());
    std::printf("\n");
    for (const auto &p : l["paths"]) {
      std::printf("    path %s x%llu%s:", p["pathsig"].get<std::string>().c_str(),
                  (unsigned long long)p["count"].get<uint64_t>(), p["overflow"].get<bool>() ? " (overflow)" : "");
      for (const auto &d : p["decisions"]) {
        unsigned v = d[1].get<unsigned>();
        std::printf(" %s=%s", d[0].get<std::string>().c_str(), v == 2 ? "E" : v ? "T" : "F");
      }
      std::printf("\n");
    }
  }
  return 0;
}

}  // namespace

Command addTraceCommand(CLI::App &root) {
  auto a = std::make_shared<TraceArgs>();
  CLI::App *app = root.add_subcommand("trace", "decode a trace directory");
  app->add_option("DIR", a->dir, "trace directory of a run (every *.cstrace in it)")->required();
  app->add_flag("--json", a->json, "print the merged trace as JSON");
  return {app, [a] { return runTraceCommand(*a); }};
}

}  // namespace csnake::cli
