#include "stats/statistics.h"

#include <cmath>
#include <limits>

namespace csnake::stats {

double mean(const std::vector<double> &xs) {
  if (xs.empty()) return 0;
  double s = 0;
  for (double x : xs) s += x;
  return s / static_cast<double>(xs.size());
}

double sampleVariance(const std::vector<double> &xs) {
  if (xs.size() < 2) return 0;
  double m = mean(xs), s = 0;
  for (double x : xs) s += (x - m) * (x - m);
  return s / static_cast<double>(xs.size() - 1);
}

namespace {

// Continued fraction of I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
double betaContinuedFraction(double a, double b, double x) {
  const int kMaxIter = 300;
  const double kEps = 1e-15, kTiny = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIter; ++m) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

}  // namespace

double regularizedIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double lnFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  double front = std::exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(a, b, x) / a;
  return 1 - front * betaContinuedFraction(b, a, 1 - x) / b;
}

double studentTCdf(double t, double df) {
  if (std::isnan(t) || df <= 0) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  double x = df / (df + t * t);
  double tail = 0.5 * regularizedIncompleteBeta(df / 2, 0.5, x);  // P(T > |t|)
  return t > 0 ? 1 - tail : tail;
}

WelchResult welchOneSided(const std::vector<double> &a, const std::vector<double> &b) {
  WelchResult r;
  r.meanA = mean(a);
  r.meanB = mean(b);
  r.varA = sampleVariance(a);
  r.varB = sampleVariance(b);
  if (a.size() < 2 || b.size() < 2) return r;
  r.valid = true;
  double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  double sa = r.varA / na, sb = r.varB / nb;
  if (sa + sb == 0) {
    // Ties on both sides: the difference of means is exact.
    r.degenerate = true;
    r.t = r.meanA > r.meanB   ? std::numeric_limits<double>::infinity()
          : r.meanA < r.meanB ? -std::numeric_limits<double>::infinity()
                              : 0;
    r.df = na + nb - 2;
    r.p = r.meanA > r.meanB ? 0 : 1;
    return r;
  }
  r.t = (r.meanA - r.meanB) / std::sqrt(sa + sb);
  // Welch–Satterthwaite; a side with zero variance contributes nothing.
  double den = (sa > 0 ? sa * sa / (na - 1) : 0) + (sb > 0 ? sb * sb / (nb - 1) : 0);
  r.df = (sa + sb) * (sa + sb) / den;
  r.p = 1 - studentTCdf(r.t, r.df);
  return r;
}

uint64_t histogramTotal(const Histogram &h) {
  uint64_t n = 0;
  for (const auto &kv : h) n += kv.second;
  return n;
}

double histogramMean(const Histogram &h) {
  uint64_t n = histogramTotal(h);
  if (!n) return 0;
  double s = 0;
  for (const auto &[v, c] : h) s += static_cast<double>(v) * static_cast<double>(c);
  return s / static_cast<double>(n);
}

double totalVariationDistance(const Histogram &p, const Histogram &q) {
  uint64_t np = histogramTotal(p), nq = histogramTotal(q);
  if (!np && !nq) return 0;
  if (!np || !nq) return 1;
  double d = 0;
  auto ip = p.begin(), iq = q.begin();
  while (ip != p.end() || iq != q.end()) {
    if (iq == q.end() || (ip != p.end() && ip->first < iq->first)) {
      d += static_cast<double>(ip->second) / np;
      ++ip;
    } else if (ip == p.end() || iq->first < ip->first) {
      d += static_cast<double>(iq->second) / nq;
      ++iq;
    } else {
      d += std::fabs(static_cast<double>(ip->second) / np - static_cast<double>(iq->second) / nq);
      ++ip;
      ++iq;
    }
  }
  return d / 2;
}

}  // namespace csnake::stats
