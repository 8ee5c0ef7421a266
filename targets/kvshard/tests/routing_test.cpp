// Routing caches: eager refresh from the coordinator vs lazy redirect by owner hints.
#include "test_util.h"

namespace kvshard {
namespace {

using testing::ClusterTest;
using testing::keyInShard;
using testing::valueFor;

class RoutingTest : public ClusterTest {
 protected:
  // Moves `shard` to another node through the coordinator and waits until it serves there.
  int moveShard(uint32_t shard) {
    int from = cluster_->ownerOf(shard);
    int to = (from + 1) % cluster_->numNodes();
    EXPECT_TRUE(cluster_->coordinator().requestMove(shard, cluster_->nodeId(to)));
    EXPECT_TRUE(KvCluster::waitFor([&] { return cluster_->ownerOf(shard) == to; }, Millis(3000)));
    EXPECT_TRUE(cluster_->waitUntilServing(Millis(3000)));
    return to;
  }

  Config clientConfig(RouteRefresh refresh) {
    Config c = cluster_->config();
    c.route_refresh = refresh;
    return c;
  }
};

TEST_F(RoutingTest, EagerClientRefreshesItsMapAfterAMove) {
  startCluster(3);
  std::string key = keyInShard(5, 0);
  ASSERT_TRUE(client_->put(key, valueFor(key)).ok());
  ShardRoute before = client_->cache().lookup(5);
  uint64_t refreshes = client_->metrics().refreshes;
  int to = moveShard(5);
  std::string v;
  ASSERT_TRUE(client_->get(key, &v).ok());
  EXPECT_EQ(v, valueFor(key));
  ClientMetrics m = client_->metrics();
  EXPECT_GE(m.wrong_owner, 1u);
  EXPECT_GT(m.refreshes, refreshes);
  EXPECT_EQ(m.redirects, 0u);
  ShardRoute after = client_->cache().lookup(5);
  EXPECT_EQ(after.owner.id, cluster_->nodeId(to));
  EXPECT_GT(after.epoch, before.epoch);
}

TEST_F(RoutingTest, LazyClientFollowsTheOwnerHintWithoutAskingTheCoordinator) {
  startCluster(3);
  std::unique_ptr<KvClient> lazy = cluster_->newClient(clientConfig(RouteRefresh::kLazy));
  std::string key = keyInShard(6, 0);
  ASSERT_TRUE(lazy->put(key, valueFor(key)).ok());
  EXPECT_EQ(lazy->metrics().refreshes, 1u);  // bootstrap only
  uint64_t getMaps = coordStat("get_map_calls");
  int to = moveShard(6);
  std::string v;
  ASSERT_TRUE(lazy->get(key, &v).ok());
  EXPECT_EQ(v, valueFor(key));
  ClientMetrics m = lazy->metrics();
  EXPECT_EQ(m.refreshes, 1u);
  EXPECT_GE(m.redirects, 1u);
  EXPECT_GE(m.wrong_owner, 1u);
  EXPECT_EQ(coordStat("get_map_calls"), getMaps);
  EXPECT_EQ(lazy->cache().lookup(6).owner.id, cluster_->nodeId(to));
}

TEST_F(RoutingTest, RequestsWithAnOldEpochAreRejectedAsWrongOwner) {
  startCluster(2);
  int owner = cluster_->ownerOf(3);
  uint64_t epoch = cluster_->placement().routes[3].epoch;
  StorageNode &node = cluster_->node(owner);
  RpcChannel ch("127.0.0.1", node.port(), channelOptions(cluster_->config()));
  std::string key = keyInShard(3, 0);
  EXPECT_TRUE(ch.call(Method::kPut, PutRequest{3, epoch, key, "v"}.encode(), nullptr).ok());
  node.store().adopt(3, epoch + 1);  // as after a move back
  std::string detail;
  Status st = ch.call(Method::kPut, PutRequest{3, epoch, key, "v"}.encode(), nullptr, &detail);
  EXPECT_EQ(st.code(), Code::kWrongOwner);
  EXPECT_EQ(OwnerHint::decode(detail).epoch, epoch + 1);
  EXPECT_EQ(ch.call(Method::kPut, PutRequest{3, epoch + 2, key, "v"}.encode(), nullptr).code(),
            Code::kStaleEpoch);
  // A shard the node never owned: no hint.
  uint32_t other = 0;
  while (cluster_->ownerOf(other) == owner) ++other;
  st = ch.call(Method::kGet, KeyRequest{other, 1, "x"}.encode(), nullptr, &detail);
  EXPECT_EQ(st.code(), Code::kWrongOwner);
  EXPECT_TRUE(OwnerHint::decode(detail).owner.empty());
}

TEST_F(RoutingTest, RejectedRequestsCountAsLoad) {
  startCluster(2);
  int owner = cluster_->ownerOf(2);
  int other = 1 - owner;
  RpcChannel ch("127.0.0.1", cluster_->node(other).port(), channelOptions(cluster_->config()));
  uint64_t before = nodeStat(other, "requests");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(ch.call(Method::kGet, KeyRequest{2, 1, "k"}.encode(), nullptr).code(), Code::kWrongOwner);
  }
  EXPECT_EQ(nodeStat(other, "requests"), before + 10);
  EXPECT_GE(nodeStat(other, "wrong_owner"), 10u);
}

TEST_F(RoutingTest, ClientKeepsWorkingFromItsCacheWhileTheCoordinatorIsDown) {
  Config cfg = Config::forTests();
  cfg.lease_duration = Millis(3000);  // nodes fence themselves once their lease lapses
  startCluster(3, cfg);
  ASSERT_TRUE(client_->put("warm", "up").ok());
  cluster_->stopCoordinator();
  for (int i = 0; i < 20; ++i) {
    std::string k = "cached-" + std::to_string(i), v;
    ASSERT_TRUE(client_->put(k, valueFor(k)).ok()) << k;
    ASSERT_TRUE(client_->get(k, &v).ok());
  }
}

TEST_F(RoutingTest, EagerRefreshesHitTheCoordinatorsGetMap) {
  startCluster(3);
  std::vector<std::unique_ptr<KvClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(cluster_->newClient());
  std::string key = keyInShard(9, 0);
  ASSERT_TRUE(clients[0]->put(key, valueFor(key)).ok());
  for (auto &c : clients) {
    std::string v;
    ASSERT_TRUE(c->get(key, &v).ok());
  }
  uint64_t before = coordStat("get_map_calls");
  moveShard(9);
  for (auto &c : clients) {
    std::string v;
    ASSERT_TRUE(c->get(key, &v).ok());
    EXPECT_EQ(v, valueFor(key));
  }
  // Each stale client refreshed the whole map at least once.
  EXPECT_GE(coordStat("get_map_calls"), before + 4);
}

}  // namespace
}  // namespace kvshard
