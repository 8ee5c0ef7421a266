// Statistics used by fault causality analysis (docs/analyzer.md §2): the one-sided Welch
// t-test with its own Student-t CDF (regularized incomplete beta function, Numerical
// Recipes' continued fraction), and the total-variation distance of two histograms.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace csnake::stats {

double mean(const std::vector<double> &xs);
// Unbiased sample variance (n - 1); 0 for fewer than 2 values.
double sampleVariance(const std::vector<double> &xs);

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1.
double regularizedIncompleteBeta(double a, double b, double x);
// P(T <= t) for Student's t with `df` (> 0, need not be an integer) degrees of freedom.
double studentTCdf(double t, double df);

struct WelchResult {
  bool valid = false;  // false: fewer than 2 values on a side
  double meanA = 0, meanB = 0, varA = 0, varB = 0;
  double t = 0, df = 0;
  double p = 1;             // one-sided: H1 = mean(A) > mean(B)
  bool degenerate = false;  // both variances 0: p is 0 (meanA > meanB) or 1, by rule
};

// One-sided Welch t-test of "A has a higher mean than B".
WelchResult welchOneSided(const std::vector<double> &a, const std::vector<double> &b);

// Histograms: value -> count. TVD = 1/2 sum |p(v) - q(v)| of the normalised histograms;
// 0 when both are empty, 1 when exactly one is empty.
using Histogram = std::map<uint64_t, uint64_t>;
double totalVariationDistance(const Histogram &p, const Histogram &q);
double histogramMean(const Histogram &h);  // 0 for an empty histogram
uint64_t histogramTotal(const Histogram &h);

}  // namespace csnake::stats
