// The search: Boost's strong_components restricts it to vertices on some cycle; then every
// vertex s in turn is the start of the cycles whose smallest vertex is s (so each cycle
// is found once, already in its canonical rotation): a backward BFS from s over vertices
// > s gives each vertex's distance to s, and the DFS only steps to a vertex from which s
// is still reachable within the remaining length. Delay faults are counted on the path and
// bounded. Starts are shared by `threads` workers; the results are merged and sorted.
#include "graph/chain_search.h"

#include <algorithm>
#include <atomic>
#include <boost/graph/strong_components.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace csnake::analyzer {

namespace {

struct Worker {
  const CausalGraph &cg;
  const std::vector<int> &comp;
  const ChainSearchOptions &opts;
  const std::vector<std::vector<size_t>> &out;  // vertex -> outgoing transitions
  const std::vector<std::vector<size_t>> &in;   // vertex -> incoming transitions
  const std::vector<size_t> &loopOf;            // vertex -> its loop (dense index)
  std::atomic<size_t> &found;
  std::vector<std::vector<size_t>> cycles;
  std::vector<int> dist;
  std::vector<size_t> touched;
  std::vector<char> onPath;
  std::vector<char> loopUsed;  // by loop index, when opts.distinctLoops
  std::vector<size_t> path;
  size_t start = 0;
  bool stop = false;

  void prepare(size_t n, size_t loops) {
    dist.assign(n, -1);
    onPath.assign(n, 0);
    loopUsed.assign(loops, 0);
  }

  void bfs(size_t s) {
    for (size_t v : touched) dist[v] = -1;
    touched.clear();
    dist[s] = 0;
    touched.push_back(s);
    std::vector<size_t> frontier{s}, next;
    for (int d = 1; d < opts.maxLength && !frontier.empty(); ++d) {
      next.clear();
      for (size_t v : frontier)
        for (size_t t : in[v]) {
          size_t u = cg.transitions()[t].from;
          if (u <= s || dist[u] >= 0 || comp[u] != comp[s]) continue;
          dist[u] = d;
          touched.push_back(u);
          next.push_back(u);
        }
      frontier.swap(next);
    }
  }

  void dfs(size_t v, int delays) {
    if (stop) return;
    if (opts.cancel && opts.cancel->load(std::memory_order_relaxed)) {
      stop = true;
      return;
    }
    int depth = static_cast<int>(path.size());
    for (size_t t : out[v]) {
      size_t w = cg.transitions()[t].to;
      if (w == start) {
        if (found.fetch_add(1) >= opts.maxCycles) {  // exactly maxCycles over all workers
          stop = true;
          return;
        }
        path.push_back(t);
        cycles.push_back(path);
        path.pop_back();
        continue;
      }
      if (w < start || onPath[w] || dist[w] < 0) continue;
      if (opts.distinctLoops && loopUsed[loopOf[w]]) continue;
      if (depth + 1 + dist[w] > opts.maxLength) continue;
      int d = delays + (cg.vertices()[w].delay ? 1 : 0);
      if (d > opts.maxDelays) continue;
      onPath[w] = 1;
      loopUsed[loopOf[w]] = 1;
      path.push_back(t);
      dfs(w, d);
      path.pop_back();
      loopUsed[loopOf[w]] = 0;
      onPath[w] = 0;
      if (stop) return;
    }
  }
};

}  // namespace

std::string ChainSearch::canonicalOf(const std::vector<size_t> &ts) const {
  std::string s;
  for (size_t t : ts) {
    const Transition &tr = graph_.transitions()[t];
    const FaultVertex &v = graph_.vertices()[tr.from];
    s += v.site + "@" + v.context + " -" + std::to_string(edges_[tr.edge].id);
    if (tr.hopEdge >= 0) s += "+" + std::to_string(edges_[tr.hopEdge].id);
    s += "-> ";
  }
  return s;
}

std::string ChainSearch::collapseKeyOf(const std::vector<size_t> &ts) const {
  std::vector<std::string> tokens;
  for (size_t t : ts) {
    const Transition &tr = graph_.transitions()[t];
    const CausalEdge &e = edges_[tr.edge];
    std::string tok = e.effect + ":" + effectTypeName(e.type);
    if (tr.hopEdge >= 0) tok += "^" + tr.junction;
    tokens.push_back(tok);
  }
  std::string best;
  for (size_t r = 0; r < tokens.size(); ++r) {
    std::string s;
    for (size_t i = 0; i < tokens.size(); ++i) s += tokens[(r + i) % tokens.size()] + " ";
    if (r == 0 || s < best) best = s;
  }
  return best;
}

std::vector<FoundCycle> ChainSearch::run(ChainSearchStats &stats) const {
  auto t0 = std::chrono::steady_clock::now();
  const auto &g = graph_.graph();
  size_t n = graph_.vertices().size();
  stats.vertices = n;
  stats.transitions = graph_.transitions().size();
  std::vector<int> comp(n, 0);
  if (n)
    stats.components = boost::strong_components(
        g, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, g)));
  std::vector<size_t> compSize(stats.components, 0);
  for (int c : comp) ++compSize[static_cast<size_t>(c)];
  std::vector<std::vector<size_t>> out(n), in(n);
  std::vector<char> selfLoop(n, 0);
  for (size_t i = 0; i < graph_.transitions().size(); ++i) {
    const Transition &t = graph_.transitions()[i];
    if (comp[t.from] != comp[t.to]) continue;  // on no cycle
    out[t.from].push_back(i);
    in[t.to].push_back(i);
    if (t.from == t.to) selfLoop[t.from] = 1;
  }
  std::vector<size_t> starts;
  for (size_t v = 0; v < n; ++v)
    if (compSize[static_cast<size_t>(comp[v])] > 1 || selfLoop[v]) starts.push_back(v);
  stats.cyclicVertices = starts.size();

  // A vertex's loop: its context (a delay fault (L, L) is L's).
  std::map<SiteRef, size_t> loopIndex;
  std::vector<size_t> loopOf(n);
  for (size_t v = 0; v < n; ++v) {
    const FaultVertex &fv = graph_.vertices()[v];
    const SiteRef &loop = isZeroSite(fv.context) ? fv.site : fv.context;
    loopOf[v] = loopIndex.emplace(loop, loopIndex.size()).first->second;
  }

  std::atomic<size_t> next{0}, found{0};
  int nThreads = std::max(1, opts_.threads);
  std::vector<Worker> workers;
  workers.reserve(static_cast<size_t>(nThreads));
  for (int i = 0; i < nThreads; ++i) {
    workers.push_back(Worker{graph_, comp, opts_, out, in, loopOf, found, {}, {}, {}, {}, {}, {}, 0, false});
    workers.back().prepare(n, loopIndex.size());
  }
  auto work = [&](Worker &w) {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= starts.size() || found.load() >= opts_.maxCycles) return;
      size_t s = starts[i];
      if (graph_.vertices()[s].delay && opts_.maxDelays < 1) continue;
      w.start = s;
      w.bfs(s);
      w.onPath[s] = 1;
      w.loopUsed[loopOf[s]] = 1;
      w.dfs(s, graph_.vertices()[s].delay ? 1 : 0);
      w.loopUsed[loopOf[s]] = 0;
      w.onPath[s] = 0;
      if (w.stop) return;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < nThreads; ++i) threads.emplace_back(work, std::ref(workers[static_cast<size_t>(i)]));
  work(workers[0]);
  for (auto &t : threads) t.join();

  std::vector<FoundCycle> cycles;
  for (Worker &w : workers)
    for (auto &ts : w.cycles) {
      FoundCycle c;
      c.transitions = std::move(ts);
      for (size_t t : c.transitions) {
        size_t from = graph_.transitions()[t].from;
        c.delays += graph_.vertices()[from].delay ? 1 : 0;
        c.faults.push_back(from);
      }
      c.canonical = canonicalOf(c.transitions);
      c.collapseKey = collapseKeyOf(c.transitions);
      cycles.push_back(std::move(c));
    }
  std::sort(cycles.begin(), cycles.end(),
            [](const FoundCycle &a, const FoundCycle &b) { return a.canonical < b.canonical; });
  stats.cycles = cycles.size();
  stats.truncated = found.load() > opts_.maxCycles;
  stats.cancelled = opts_.cancel && opts_.cancel->load();
  stats.groups = collapseCycles(cycles).size();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return cycles;
}

std::vector<std::vector<size_t>> collapseCycles(const std::vector<FoundCycle> &cycles) {
  std::map<std::string, size_t> byKey;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < cycles.size(); ++i) {
    auto [it, fresh] = byKey.emplace(cycles[i].collapseKey, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

}  // namespace csnake::analyzer
