#include <gtest/gtest.h>

#include <cmath>

#include "stats/statistics.h"

using namespace csnake::stats;

TEST(Statistics, IncompleteBetaKnownValues) {
  EXPECT_NEAR(regularizedIncompleteBeta(1, 1, 0.3), 0.3, 1e-12);      // uniform
  EXPECT_NEAR(regularizedIncompleteBeta(2, 3, 0.4), 0.5248, 1e-10);   // 1-(0.6^4+4*0.4*0.6^3)
  EXPECT_NEAR(regularizedIncompleteBeta(0.5, 0.5, 0.5), 0.5, 1e-12);  // symmetric
  EXPECT_EQ(regularizedIncompleteBeta(2, 2, 0), 0);
  EXPECT_EQ(regularizedIncompleteBeta(2, 2, 1), 1);
}

TEST(Statistics, StudentTCdfMatchesTables) {
  EXPECT_NEAR(studentTCdf(0, 5), 0.5, 1e-12);
  EXPECT_NEAR(studentTCdf(1, 1), 0.75, 1e-12);                            // Cauchy: 1/2 + atan(1)/pi
  EXPECT_NEAR(studentTCdf(2.015048, 5), 0.95, 1e-6);                      // t_{0.95,5}
  EXPECT_NEAR(studentTCdf(-1.812461, 10), 0.05, 1e-6);                    // t_{0.05,10}
  EXPECT_NEAR(studentTCdf(1.959964, 1e7), 0.975, 1e-5);                   // ~ normal
  EXPECT_NEAR(studentTCdf(1.5, 2.5) + studentTCdf(-1.5, 2.5), 1, 1e-12);  // non-integer df, symmetry
}

TEST(Statistics, WelchOneSided) {
  // By hand: means 13 / 10.33, variances 1 / 1/3, t = 2.667 / sqrt(1/3 + 1/9) = 4,
  // df = (4/9)^2 / ((1/3)^2/2 + (1/9)^2/2) = 3.2; p = integral of the t(3.2) density from 4
  // to infinity (numerically: 0.0124087314).
  WelchResult r = welchOneSided({12, 14, 13}, {10, 11, 10});
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.t, 4.0, 1e-9);
  EXPECT_NEAR(r.df, 3.2, 1e-9);
  EXPECT_NEAR(r.p, 0.0124087314, 1e-8);
  EXPECT_LT(r.p, 0.1);
  WelchResult lower = welchOneSided({10, 11, 10}, {12, 14, 13});
  EXPECT_GT(lower.p, 0.9);
}

TEST(Statistics, WelchTiesAndTooFewRepeats) {
  WelchResult same = welchOneSided({5, 5, 5}, {5, 5, 5});
  EXPECT_TRUE(same.degenerate);
  EXPECT_EQ(same.p, 1);
  WelchResult higher = welchOneSided({7, 7, 7}, {5, 5, 5});
  EXPECT_TRUE(higher.degenerate);
  EXPECT_EQ(higher.p, 0);
  // One side constant: the other's variance carries the test.
  WelchResult oneSide = welchOneSided({9, 10, 11}, {5, 5, 5});
  EXPECT_FALSE(oneSide.degenerate);
  EXPECT_NEAR(oneSide.df, 2, 1e-9);
  EXPECT_LT(oneSide.p, 0.05);
  EXPECT_FALSE(welchOneSided({1}, {1, 2}).valid);
}

TEST(Statistics, TotalVariationDistance) {
  Histogram a{{1, 10}}, b{{1, 5}, {2, 5}};
  EXPECT_NEAR(totalVariationDistance(a, b), 0.5, 1e-12);
  EXPECT_NEAR(totalVariationDistance(a, a), 0, 1e-12);
  EXPECT_NEAR(totalVariationDistance({{1, 1}}, {{2, 1}}), 1, 1e-12);
  EXPECT_EQ(totalVariationDistance({}, {}), 0);
  EXPECT_EQ(totalVariationDistance({{3, 1}}, {}), 1);
  // Scale-free: counts are normalised.
  EXPECT_NEAR(totalVariationDistance({{1, 1}, {2, 1}}, {{1, 100}, {2, 100}}), 0, 1e-12);
  EXPECT_NEAR(histogramMean(b), 1.5, 1e-12);
  EXPECT_EQ(histogramMean({}), 0);
}
