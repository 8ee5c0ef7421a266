// Grouping faults by their consequences (3PA phase 2): each fault is a TF-IDF vector over
// its effect tokens; faults are clustered by cosine distance with average-linkage
// agglomerative clustering, cut at a distance threshold. Faults without any effect form
// one cluster of their own.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace csnake {

// Returns clusters as lists of indices into `documents` (each a set of tokens),
// deterministically ordered (by smallest member index).
std::vector<std::vector<size_t>> clusterByConsequences(const std::vector<std::set<std::string>> &documents,
                                                       double maxDistance);

// Cosine similarity of two TF-IDF vectors (exposed for tests).
double cosineSimilarity(const std::map<std::string, double> &a, const std::map<std::string, double> &b);
std::vector<std::map<std::string, double>> tfidf(const std::vector<std::set<std::string>> &documents);

// Jaccard similarity of two token sets; 1 when both are empty.
double jaccard(const std::set<std::string> &a, const std::set<std::string> &b);

}  // namespace csnake
