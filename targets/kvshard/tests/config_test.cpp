#include <gtest/gtest.h>

#include "common/config.h"

namespace kvshard {
namespace {

TEST(Config, RoundTripsThroughKeyValueArgs) {
  Config c = Config::forTests();
  c.coord_handler_threads = 7;
  c.lease_duration = Millis(1234);
  c.rebalance_enabled = true;
  c.imbalance_threshold = 0.375;
  c.wal_fsync = true;
  c.wal_file = "/dev/full";
  c.route_refresh = RouteRefresh::kLazy;
  c.retry_backoff = RetryBackoff::kNone;
  c.max_batch_retransmits = 9;
  c.handoff_strict = false;
  Config d;
  for (const std::string &kv : c.toArgs()) {
    size_t eq = kv.find('=');
    ASSERT_NE(eq, std::string::npos) << kv;
    ASSERT_TRUE(d.set(kv.substr(0, eq), kv.substr(eq + 1))) << kv;
  }
  EXPECT_EQ(d.toArgs(), c.toArgs());
  EXPECT_EQ(d.coord_handler_threads, 7);
  EXPECT_EQ(d.lease_duration, Millis(1234));
  EXPECT_TRUE(d.rebalance_enabled);
  EXPECT_DOUBLE_EQ(d.imbalance_threshold, 0.375);
  EXPECT_EQ(d.wal_file, "/dev/full");
  EXPECT_EQ(d.route_refresh, RouteRefresh::kLazy);
  EXPECT_EQ(d.retry_backoff, RetryBackoff::kNone);
  EXPECT_EQ(d.max_batch_retransmits, 9);
  EXPECT_FALSE(d.handoff_strict);
}

TEST(Config, EmptyStringSurvivesRoundTrip) {
  Config c;
  Config d;
  d.wal_file = "something";
  for (const std::string &kv : c.toArgs()) {
    size_t eq = kv.find('=');
    ASSERT_TRUE(d.set(kv.substr(0, eq), kv.substr(eq + 1))) << kv;
  }
  EXPECT_EQ(d.wal_file, "");
}

TEST(Config, ForTestsUsesShortTimescales) {
  Config c = Config::forTests();
  EXPECT_EQ(c.renew_interval, Millis(20));
  EXPECT_EQ(c.lease_duration, Millis(300));
  EXPECT_EQ(c.liveness_interval, Millis(25));
  EXPECT_EQ(c.rebalance_interval, Millis(50));
  EXPECT_EQ(c.rpc_timeout, Millis(300));
  EXPECT_LT(c.renew_interval * 5, c.lease_duration);
  Config prod;
  EXPECT_GT(prod.lease_duration, c.lease_duration);
}

TEST(Config, RejectsUnknownKeysAndBadValues) {
  Config c;
  EXPECT_FALSE(c.set("no_such_key", "1"));
  EXPECT_FALSE(c.set("route_refresh", "sometimes"));
  EXPECT_FALSE(c.set("retry_backoff", "linear"));
  EXPECT_FALSE(c.set("rpc_timeout", "fast"));
  EXPECT_FALSE(c.set("rpc_timeout", "-5"));
  EXPECT_FALSE(c.set("num_shards", "12abc"));
  EXPECT_FALSE(c.set("wal_fsync", "maybe"));
  EXPECT_FALSE(c.set("imbalance_threshold", "x"));
  EXPECT_TRUE(c.set("rpc_timeout", "250"));
  EXPECT_EQ(c.rpc_timeout, Millis(250));
  EXPECT_TRUE(c.set("rpc_timeout", "125ms"));
  EXPECT_EQ(c.rpc_timeout, Millis(125));
}

TEST(Config, PolicyNamesParse) {
  RouteRefresh r = RouteRefresh::kEager;
  EXPECT_TRUE(parseRouteRefresh("lazy", &r));
  EXPECT_EQ(r, RouteRefresh::kLazy);
  EXPECT_STREQ(routeRefreshName(r), "lazy");
  RetryBackoff b = RetryBackoff::kExponential;
  EXPECT_TRUE(parseRetryBackoff("none", &b));
  EXPECT_EQ(b, RetryBackoff::kNone);
  EXPECT_STREQ(retryBackoffName(RetryBackoff::kExponential), "exponential");
}

}  // namespace
}  // namespace kvshard
