#include "allocation/fault_clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace csnake {

std::vector<std::map<std::string, double>> tfidf(const std::vector<std::set<std::string>> &docs) {
  std::map<std::string, size_t> df;
  for (const auto &d : docs)
    for (const std::string &t : d) ++df[t];
  std::vector<std::map<std::string, double>> out;
  double n = static_cast<double>(docs.size());
  for (const auto &d : docs) {
    std::map<std::string, double> v;
    // Binary term frequency (a token is present or not), smoothed IDF: a consequence
    // every fault has says little about what makes a fault unique.
    for (const std::string &t : d) v[t] = std::log((1 + n) / (1 + df[t])) + 1;
    out.push_back(std::move(v));
  }
  return out;
}

double cosineSimilarity(const std::map<std::string, double> &a, const std::map<std::string, double> &b) {
  double dot = 0, na = 0, nb = 0;
  for (const auto &[t, w] : a) {
    na += w * w;
    auto it = b.find(t);
    if (it != b.end()) dot += w * it->second;
  }
  for (const auto &[t, w] : b) nb += w * w;
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

double jaccard(const std::set<std::string> &a, const std::set<std::string> &b) {
  if (a.empty() && b.empty()) return 1;
  size_t inter = 0;
  for (const std::string &t : a) inter += b.count(t);
  return static_cast<double>(inter) / static_cast<double>(a.size() + b.size() - inter);
}

std::vector<std::vector<size_t>> clusterByConsequences(const std::vector<std::set<std::string>> &docs,
                                                       double maxDistance) {
  std::vector<std::vector<size_t>> clusters;
  std::vector<size_t> silent;
  std::vector<size_t> members;
  for (size_t i = 0; i < docs.size(); ++i) (docs[i].empty() ? silent : members).push_back(i);
  std::vector<std::map<std::string, double>> vec = tfidf(docs);
  for (size_t i : members) clusters.push_back({i});
  // Average linkage over the full distance matrix: O(n^3) in the worst case, fine for the
  // few thousand faults of a campaign.
  size_t n = docs.size();
  std::vector<double> dist(n * n, 0);
  for (size_t a : members)
    for (size_t b : members) dist[a * n + b] = 1 - cosineSimilarity(vec[a], vec[b]);
  for (;;) {
    double best = std::numeric_limits<double>::infinity();
    size_t bi = 0, bj = 0;
    for (size_t i = 0; i < clusters.size(); ++i)
      for (size_t j = i + 1; j < clusters.size(); ++j) {
        double sum = 0;
        for (size_t a : clusters[i])
          for (size_t b : clusters[j]) sum += dist[a * n + b];
        double avg = sum / static_cast<double>(clusters[i].size() * clusters[j].size());
        if (avg < best) best = avg, bi = i, bj = j;
      }
    if (clusters.size() < 2 || best > maxDistance) break;
    clusters[bi].insert(clusters[bi].end(), clusters[bj].begin(), clusters[bj].end());
    std::sort(clusters[bi].begin(), clusters[bi].end());
    clusters.erase(clusters.begin() + static_cast<long>(bj));
  }
  if (!silent.empty()) clusters.push_back(silent);
  std::sort(clusters.begin(), clusters.end(), [](const auto &a, const auto &b) { return a.front() < b.front(); });
  return clusters;
}

}  // namespace csnake
