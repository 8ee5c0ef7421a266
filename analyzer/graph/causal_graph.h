// The stitching graph (DESIGN.md §3.6) on Boost.Graph. Vertices are injected faults
// (site, context); a graph edge ("transition") f -> g exists when a causal edge out of f
// lets the chain grammar continue with g:
//   - E edge f -> L            : g is an error fault (THROW / ERROR_RETURN / LIBCALL)
//                                injected in context L, that the effect leads to
//                                (the continuation rule, graph/continuation.h);
//   - S+ edge f -> L           : g is the delay fault (L, L);
//   - S+ edge f -> C together with a parent_delay edge f -> C (the licence), C's parent P:
//                                g is the delay fault (P, P)  (the child->parent hop).
// Under the reference grammar (graph/stitch_grammar.h) an S+ edge whose cause f is itself
// a delay fault continues nowhere.
// Parallel transitions (two causal edges leading to the same next fault) are kept: they
// are different chains.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_data.h"
#include "fca/causal_edge.h"
#include "graph/continuation.h"
#include "graph/stitch_grammar.h"

namespace csnake::analyzer {

struct FaultVertex {
  SiteRef site, context;
  bool delay = false;
  std::string kind;  // site kind when known
};

struct Transition {
  size_t from = 0, to = 0;  // vertex indices
  size_t edge = 0;          // index into the edge list (the S+ / E edge)
  long hopEdge = -1;        // index of the licensing parent_delay edge, or -1
  SiteRef junction;         // the loop where the next fault is injected
};

class CausalGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                      boost::property<boost::edge_index_t, size_t>>;

  // `sites` gives fault kinds; unknown sites: delay when the edge's cause is a delay fault,
  // error otherwise.
  static CausalGraph build(const std::vector<CausalEdge> &edges, const std::map<SiteRef, SiteInfo> &sites,
                           ContinuationRule rule = ContinuationRule::Reach,
                           StitchGrammar grammar = StitchGrammar::Reference);

  const Graph &graph() const { return g_; }
  const std::vector<FaultVertex> &vertices() const { return vertices_; }
  const std::vector<Transition> &transitions() const { return transitions_; }
  size_t vertexOf(const SiteRef &site, const SiteRef &context) const;  // SIZE_MAX when absent

 private:
  Graph g_;
  std::vector<FaultVertex> vertices_;
  std::vector<Transition> transitions_;
  std::map<std::pair<SiteRef, SiteRef>, size_t> index_;
};

}  // namespace csnake::analyzer
