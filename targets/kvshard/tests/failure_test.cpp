// Failure handling: WAL write failures, bounded lease renewal retries, client timeouts
// with and without backoff, overloaded call queues, lease fencing.
#include <atomic>
#include <thread>
#include <vector>

#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::keyInShard;
using testing::valueFor;

TEST_F(ClusterTest, WalWriteFailureSurfacesAsIoErrorWithoutRetry) {
  Config cfg = Config::forTests();
  cfg.wal_file = "/dev/full";  // every append fails with ENOSPC
  startCluster(2, cfg);
  std::string key = keyInShard(0, 0);
  int owner = cluster_->ownerOf(0);
  Status st = client_->put(key, "v");
  EXPECT_EQ(st.code(), Code::kIoError) << st.toString();
  ClientMetrics m = client_->metrics();
  EXPECT_EQ(m.attempts, 1u);
  EXPECT_EQ(m.failures, 1u);
  EXPECT_EQ(nodeStat(owner, "wal_errors"), 1u);
  EXPECT_EQ(nodeStat(owner, "io_errors"), 1u);
  std::string v;
  EXPECT_EQ(client_->get(key, &v).code(), Code::kNotFound);  // nothing was applied
  EXPECT_EQ(client_->del(key).code(), Code::kIoError);
  EXPECT_EQ(nodeStat(owner, "wal_errors"), 2u);
}

TEST_F(ClusterTest, WalWithFsyncServesNormally) {
  Config cfg = Config::forTests();
  cfg.wal_fsync = true;
  startCluster(2, cfg);
  for (int i = 0; i < 20; ++i) {
    std::string k = "durable-" + std::to_string(i);
    ASSERT_TRUE(client_->put(k, valueFor(k)).ok());
  }
  EXPECT_EQ(nodeStat(0, "wal_appends") + nodeStat(1, "wal_appends"), 20u);
  EXPECT_EQ(nodeStat(0, "wal_errors") + nodeStat(1, "wal_errors"), 0u);
}

TEST_F(ClusterTest, RenewRetryGivesUpAfterRenewAttempts) {
  startCluster(2);
  uint64_t failuresBefore = nodeStat(0, "renew_failures");
  uint64_t giveUpsBefore = nodeStat(0, "renew_give_ups");
  cluster_->stopCoordinator();
  ASSERT_TRUE(KvCluster::waitFor([&] { return nodeStat(0, "renew_give_ups") >= giveUpsBefore + 2; }, Millis(3000)));
  cluster_->pauseNode(0);
  std::this_thread::sleep_for(Millis(150));  // let a round in progress finish
  uint64_t giveUps = nodeStat(0, "renew_give_ups") - giveUpsBefore;
  uint64_t failures = nodeStat(0, "renew_failures") - failuresBefore;
  // Every abandoned round made exactly renew_attempts attempts.
  EXPECT_EQ(failures, giveUps * static_cast<uint64_t>(cluster_->config().renew_attempts));
  // Without renewals the node's lease lapses and it stops serving.
  EXPECT_TRUE(KvCluster::waitFor([&] { return !cluster_->node(0).leaseHeld(); }, Millis(2000)));
}

TEST_F(ClusterTest, FencedNodeRejectsClientsWithoutAHint) {
  startCluster(2);
  int node = cluster_->ownerOf(1);
  uint64_t epoch = cluster_->placement().routes[1].epoch;
  cluster_->pauseNode(node);
  ASSERT_TRUE(KvCluster::waitFor([&] { return !cluster_->node(node).leaseHeld(); }, Millis(2000)));
  RpcChannel ch("127.0.0.1", cluster_->node(node).port(), channelOptions(cluster_->config()));
  std::string detail;
  Status st = ch.call(Method::kGet, KeyRequest{1, epoch, "k"}.encode(), nullptr, &detail);
  EXPECT_EQ(st.code(), Code::kWrongOwner);
  EXPECT_TRUE(OwnerHint::decode(detail).owner.empty());
  cluster_->resumeNode(node);
}

class TimeoutTest : public ClusterTest {
 protected:
  Config slowClientConfig(RetryBackoff backoff) {
    Config c = cluster_->config();
    c.rpc_timeout = Millis(60);
    c.retry_backoff = backoff;
    c.retry_base_backoff = Millis(100);
    c.retry_max_backoff = Millis(400);
    c.max_attempts = 4;
    c.route_refresh = RouteRefresh::kLazy;
    return c;
  }
};

TEST_F(TimeoutTest, BackoffNoneResendsAtOnceWhileTheNodeStillWorks) {
  startCluster(2);
  std::string key = keyInShard(4, 0);
  int owner = cluster_->ownerOf(4);
  std::unique_ptr<KvClient> c = cluster_->newClient(slowClientConfig(RetryBackoff::kNone));
  ASSERT_TRUE(c->refreshRoutes().ok());
  uint64_t before = nodeStat(owner, "requests");
  cluster_->setNodeHandlerDelay(owner, Millis(250));
  Clock::time_point t0 = Clock::now();
  Status st = c->put(key, "v");
  Millis took = since(t0);
  EXPECT_EQ(st.code(), Code::kTimeout);
  ClientMetrics m = c->metrics();
  EXPECT_EQ(m.attempts, 4u);
  EXPECT_EQ(m.timeouts, 4u);
  EXPECT_LT(took, Millis(900));  // exponential backoff alone would add 700 ms
  // Every resend reached a handler: the node did the work four times.
  EXPECT_TRUE(KvCluster::waitFor([&] { return nodeStat(owner, "requests") >= before + 4; }, Millis(3000)));
  cluster_->setNodeHandlerDelay(owner, Millis(0));
}

TEST_F(TimeoutTest, ExponentialBackoffSpacesTheAttempts) {
  startCluster(2);
  std::string key = keyInShard(4, 0);
  int owner = cluster_->ownerOf(4);
  std::unique_ptr<KvClient> c = cluster_->newClient(slowClientConfig(RetryBackoff::kExponential));
  ASSERT_TRUE(c->refreshRoutes().ok());
  cluster_->setNodeHandlerDelay(owner, Millis(250));
  Clock::time_point t0 = Clock::now();
  Status st = c->put(key, "v");
  Millis took = since(t0);
  EXPECT_EQ(st.code(), Code::kTimeout);
  EXPECT_EQ(c->metrics().attempts, 4u);
  // 4 timeouts of 60 ms plus backoffs of 100 + 200 + 400 ms.
  EXPECT_GE(took, Millis(4 * 60 + 700 - 20));
  cluster_->setNodeHandlerDelay(owner, Millis(0));
}

TEST_F(TimeoutTest, RecoversOnceTheNodeIsFastAgain) {
  startCluster(2);
  std::string key = keyInShard(8, 0);
  int owner = cluster_->ownerOf(8);
  std::unique_ptr<KvClient> c = cluster_->newClient(slowClientConfig(RetryBackoff::kExponential));
  ASSERT_TRUE(c->refreshRoutes().ok());
  cluster_->setNodeHandlerDelay(owner, Millis(100));
  std::thread heal([&] {
    std::this_thread::sleep_for(Millis(150));
    cluster_->setNodeHandlerDelay(owner, Millis(0));
  });
  Status st = c->put(key, valueFor(key));
  heal.join();
  EXPECT_TRUE(st.ok()) << st.toString();
  EXPECT_GE(c->metrics().timeouts, 1u);
}

TEST_F(TimeoutTest, RetryWithoutBackoffMultipliesHandlerWork) {
  startCluster(2);
  int owner = cluster_->ownerOf(2);
  cluster_->setNodeHandlerDelay(owner, Millis(80));
  uint64_t before = nodeStat(owner, "requests");
  std::vector<std::thread> threads;
  std::atomic<int> timeouts{0};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<KvClient> c = cluster_->newClient(slowClientConfig(RetryBackoff::kNone));
      std::string k = keyInShard(2, t);
      if (c->put(k, "v").code() == Code::kTimeout) ++timeouts;
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_GE(timeouts.load(), 1);
  // 3 operations, up to 12 requests reaching the node's handlers.
  EXPECT_TRUE(KvCluster::waitFor([&] { return nodeStat(owner, "requests") >= before + 9; }, Millis(3000)));
  cluster_->setNodeHandlerDelay(owner, Millis(0));
}

TEST_F(ClusterTest, FullNodeQueueAnswersOverloaded) {
  Config cfg = Config::forTests();
  cfg.node_handler_threads = 1;
  cfg.node_queue_capacity = 1;
  startCluster(2, cfg);
  int owner = cluster_->ownerOf(6);
  cluster_->setNodeHandlerDelay(owner, Millis(300));
  Config cc = cfg;
  cc.rpc_timeout = Millis(2000);
  cc.max_attempts = 1;
  std::atomic<int> overloaded{0}, ok{0};
  std::vector<std::unique_ptr<KvClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(cluster_->newClient(cc));
    ASSERT_TRUE(clients.back()->refreshRoutes().ok());
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Status st = clients[static_cast<size_t>(i)]->put(keyInShard(6, i), "v");
      if (st.ok()) ++ok;
      if (st.code() == Code::kOverloaded) ++overloaded;
    });
  }
  for (std::thread &t : threads) t.join();
  cluster_->setNodeHandlerDelay(owner, Millis(0));
  EXPECT_GE(overloaded.load(), 1);
  EXPECT_GE(ok.load(), 1);
  EXPECT_EQ(nodeStat(owner, "rpc_overloaded"), static_cast<uint64_t>(overloaded.load()));
}

TEST_F(ClusterTest, OverloadedClientRetriesWithBackoffAndSucceeds) {
  Config cfg = Config::forTests();
  cfg.node_handler_threads = 1;
  cfg.node_queue_capacity = 1;
  startCluster(2, cfg);
  int owner = cluster_->ownerOf(6);
  cluster_->setNodeHandlerDelay(owner, Millis(30));
  Config cc = cfg;
  cc.max_attempts = 20;  // 12 puts of 30 ms through one handler: room for every client
  std::atomic<int> failures{0}, overloaded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<KvClient> c = cluster_->newClient(cc);
      for (int j = 0; j < 3; ++j) {
        if (!c->put(keyInShard(6, i * 3 + j), "v").ok()) ++failures;
      }
      overloaded += static_cast<int>(c->metrics().overloaded);
    });
  }
  for (std::thread &t : threads) t.join();
  cluster_->setNodeHandlerDelay(owner, Millis(0));
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(nodeStat(owner, "rpc_overloaded"), static_cast<uint64_t>(overloaded.load()));
}

}  // namespace
}  // namespace kvshard
