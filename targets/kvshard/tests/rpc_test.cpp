#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/socket.h"
#include "rpc/rpc_channel.h"
#include "rpc/rpc_server.h"
#include "cluster/kv_cluster.h"

namespace kvshard {
namespace {
bool KvClusterWaitFor(const std::function<bool()> &pred) { return KvCluster::waitFor(pred, Millis(2000)); }
}  // namespace
}  // namespace kvshard

namespace kvshard {
namespace {

ChannelOptions fastChannel(Millis timeout = Millis(500)) {
  ChannelOptions o;
  o.rpc_timeout = timeout;
  o.connect_timeout = Millis(500);
  return o;
}

class RpcTest : public ::testing::Test {
 protected:
  void startServer(int handlers = 2, size_t capacity = 16) {
    RpcServerOptions o;
    o.node = "rpc-test";
    o.handler_threads = handlers;
    o.queue_capacity = capacity;
    o.max_frame_bytes = 1 << 16;
    server_.reset(new RpcServer(o));
    // Get echoes the key; Put sleeps for the number of ms in its value.
    server_->handle(Method::kGet, [](Reader &d) {
      KeyRequest r = KeyRequest::decode(d);
      Writer e;
      e.blob(r.key);
      return e.release();
    });
    server_->handle(Method::kPut, [this](Reader &d) {
      PutRequest r = PutRequest::decode(d);
      ++slow_calls_;
      std::this_thread::sleep_for(Millis(std::stoi(r.value)));
      return std::string();
    });
    server_->handle(Method::kDelete, [](Reader &d) -> std::string {
      KeyRequest r = KeyRequest::decode(d);
      if (r.key == "owner") throw WrongOwnerError(r.shard, OwnerHint{NodeAddress{"n9", "127.0.0.1", 9}, 4});
      if (r.key == "io") throw IoError("disk on fire");
      throw std::runtime_error("unexpected");
    });
    ASSERT_TRUE(server_->start(0).ok());
  }

  void TearDown() override { server_.reset(); }

  std::unique_ptr<RpcServer> server_;
  std::atomic<int> slow_calls_{0};
};

TEST_F(RpcTest, CallRoundTrip) {
  startServer();
  RpcChannel ch("127.0.0.1", server_->port(), fastChannel());
  for (int i = 0; i < 20; ++i) {
    std::string resp;
    Status st = ch.call(Method::kGet, KeyRequest{0, 0, "k" + std::to_string(i)}.encode(), &resp);
    ASSERT_TRUE(st.ok()) << st.toString();
    Reader d(resp);
    EXPECT_EQ(d.blob(), "k" + std::to_string(i));
  }
  EXPECT_EQ(ch.connects(), 1u);
  EXPECT_EQ(server_->stats().calls, 20u);
}

TEST_F(RpcTest, KvErrorsBecomeStatusCodesWithDetail) {
  startServer();
  RpcChannel ch("127.0.0.1", server_->port(), fastChannel());
  std::string detail;
  Status st = ch.call(Method::kDelete, KeyRequest{3, 1, "owner"}.encode(), nullptr, &detail);
  EXPECT_EQ(st.code(), Code::kWrongOwner);
  OwnerHint hint = OwnerHint::decode(detail);
  EXPECT_EQ(hint.owner.id, "n9");
  EXPECT_EQ(hint.epoch, 4u);
  EXPECT_EQ(ch.call(Method::kDelete, KeyRequest{3, 1, "io"}.encode(), nullptr).code(), Code::kIoError);
  EXPECT_EQ(ch.call(Method::kDelete, KeyRequest{3, 1, "x"}.encode(), nullptr).code(), Code::kInternal);
  EXPECT_EQ(server_->stats().errors, 3u);
  // The connection survives application errors.
  EXPECT_EQ(ch.connects(), 1u);
}

TEST_F(RpcTest, UnknownMethodAndUndecodableRequestAreBadRequest) {
  startServer();
  RpcChannel ch("127.0.0.1", server_->port(), fastChannel());
  EXPECT_EQ(ch.call(Method::kInstallBatch, "", nullptr).code(), Code::kBadRequest);
  EXPECT_EQ(ch.call(Method::kGet, "\x01\x02", nullptr).code(), Code::kBadRequest);
  EXPECT_EQ(server_->stats().malformed, 2u);
  std::string resp;
  EXPECT_TRUE(ch.call(Method::kGet, KeyRequest{0, 0, "still"}.encode(), &resp).ok());
}

TEST_F(RpcTest, MalformedLengthPrefixClosesTheConnection) {
  startServer();
  TcpSocket raw;
  ASSERT_TRUE(TcpSocket::connectTo("127.0.0.1", server_->port(), Millis(500), &raw).ok());
  ASSERT_TRUE(raw.setRecvTimeout(Millis(2000)).ok());
  ASSERT_TRUE(raw.sendAll(std::string("\xFF\xFF\xFF\xFF garbage", 12)).ok());
  char c;
  Status st = raw.recvExactly(&c, 1);
  EXPECT_EQ(st.code(), Code::kUnavailable) << st.toString();
  EXPECT_TRUE(KvClusterWaitFor([&] { return server_->stats().malformed == 1; }));
}

TEST_F(RpcTest, TooShortFrameAndBadMagicAreMalformed) {
  startServer();
  for (const std::string &bytes : {std::string("\x00\x00\x00\x03xyz", 7),
                                   encodeFrame(Frame{}).replace(4, 1, "Q")}) {
    TcpSocket raw;
    ASSERT_TRUE(TcpSocket::connectTo("127.0.0.1", server_->port(), Millis(500), &raw).ok());
    ASSERT_TRUE(raw.setRecvTimeout(Millis(2000)).ok());
    ASSERT_TRUE(raw.sendAll(bytes).ok());
    char c;
    EXPECT_EQ(raw.recvExactly(&c, 1).code(), Code::kUnavailable);
  }
  EXPECT_TRUE(KvClusterWaitFor([&] { return server_->stats().malformed == 2; }));
}

TEST_F(RpcTest, ReceiveTimeoutIsTimeoutAndTheChannelReconnects) {
  startServer();
  RpcChannel ch("127.0.0.1", server_->port(), fastChannel(Millis(100)));
  Clock::time_point t0 = Clock::now();
  Status st = ch.call(Method::kPut, PutRequest{0, 0, "k", "400"}.encode(), nullptr);
  EXPECT_EQ(st.code(), Code::kTimeout) << st.toString();
  EXPECT_LT(since(t0), Millis(380));
  // The late answer to the timed-out call must not be taken for this one.
  std::string resp;
  ASSERT_TRUE(ch.call(Method::kGet, KeyRequest{0, 0, "fresh"}.encode(), &resp).ok());
  Reader d(resp);
  EXPECT_EQ(d.blob(), "fresh");
  EXPECT_EQ(ch.connects(), 2u);
}

TEST_F(RpcTest, ConnectionRefusedIsUnavailable) {
  startServer();
  uint16_t port = server_->port();
  server_->stop();
  RpcChannel ch("127.0.0.1", port, fastChannel());
  EXPECT_EQ(ch.call(Method::kGet, KeyRequest{0, 0, "k"}.encode(), nullptr).code(), Code::kUnavailable);
}

TEST_F(RpcTest, FullCallQueueAnswersOverloaded) {
  startServer(/*handlers=*/1, /*capacity=*/1);
  std::atomic<int> ok{0}, overloaded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      RpcChannel ch("127.0.0.1", server_->port(), fastChannel(Millis(2000)));
      Status st = ch.call(Method::kPut, PutRequest{0, 0, "k", "150"}.encode(), nullptr);
      if (st.ok()) ++ok;
      if (st.code() == Code::kOverloaded) ++overloaded;
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_GE(overloaded.load(), 1);
  EXPECT_GE(ok.load(), 1);
  EXPECT_EQ(ok + overloaded, 6);
  EXPECT_EQ(server_->stats().overloaded, static_cast<uint64_t>(overloaded.load()));
}

TEST_F(RpcTest, StopWakesIdleConnections) {
  startServer();
  RpcChannel ch("127.0.0.1", server_->port(), fastChannel());
  ASSERT_TRUE(ch.call(Method::kGet, KeyRequest{0, 0, "k"}.encode(), nullptr).ok());
  Clock::time_point t0 = Clock::now();
  server_->stop();
  EXPECT_LT(since(t0), Millis(1000));
  EXPECT_NE(ch.call(Method::kGet, KeyRequest{0, 0, "k"}.encode(), nullptr).code(), Code::kOk);
}

}  // namespace
}  // namespace kvshard
