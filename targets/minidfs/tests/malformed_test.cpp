// Garbage and fuzzed frames sent to the NameNode RPC port and DataNode transfer ports.
#include <random>

#include "net/socket.h"
#include "test_util.h"

namespace minidfs {
namespace {

using testing::makeData;

class MalformedTest : public testing::ClusterTest {
 protected:
  Socket connectTo(uint16_t port) {
    Socket s;
    Status st = Socket::connect("127.0.0.1", port, Millis(1000), &s);
    EXPECT_TRUE(st.ok()) << st.toString();
    s.setTimeouts(Millis(1000), Millis(1000));
    return s;
  }

  Frame rawCall(Socket &s, uint16_t method, const std::string &payload) {
    Frame f;
    f.type = method;
    f.id = 1;
    f.payload = payload;
    EXPECT_TRUE(writeFrame(s, f).ok());
    Frame resp;
    Status st = readFrame(s, 1 << 20, &resp);
    EXPECT_TRUE(st.ok()) << st.toString();
    return resp;
  }

  void expectClusterHealthy() {
    std::string data = makeData(5000, 300);
    ASSERT_TRUE(client_->writeFile("/healthy", data).ok());
    std::string back;
    ASSERT_TRUE(client_->readFile("/healthy", &back).ok());
    EXPECT_EQ(back, data);
  }
};

TEST_F(MalformedTest, GarbageBytesDropConnectionOnly) {
  startCluster(2);
  Socket s = connectTo(cluster_->nameNodePort());
  std::string garbage = "\xff\xff\xff\xff garbage that is not a frame";
  ASSERT_TRUE(s.sendAll(garbage.data(), garbage.size()).ok());
  char c;
  EXPECT_FALSE(s.recvAll(&c, 1).ok());  // server hung up
  EXPECT_GE(cluster_->nameNode().metrics().rpc.malformed, 1u);
  expectClusterHealthy();
}

TEST_F(MalformedTest, TooShortLengthPrefixRejected) {
  startCluster(1);
  Socket s = connectTo(cluster_->nameNodePort());
  const char prefix[4] = {0, 0, 0, 3};
  ASSERT_TRUE(s.sendAll(prefix, 4).ok());
  char c;
  EXPECT_FALSE(s.recvAll(&c, 1).ok());
  EXPECT_GE(cluster_->nameNode().metrics().rpc.malformed, 1u);
}

TEST_F(MalformedTest, TruncatedPayloadGetsBadRequest) {
  startCluster(1);
  Socket s = connectTo(cluster_->nameNodePort());
  Encoder e;
  e.str("/path");  // create needs replication, holder and overwrite too
  Frame resp = rawCall(s, static_cast<uint16_t>(Method::kCreate), e.data());
  EXPECT_EQ(resp.status, static_cast<uint16_t>(Code::kBadRequest));
  // The connection stays usable for well-formed calls.
  Frame ok = rawCall(s, static_cast<uint16_t>(Method::kDatanodeReport), "");
  EXPECT_EQ(ok.status, static_cast<uint16_t>(Code::kOk));
}

TEST_F(MalformedTest, UnknownMethodGetsBadRequest) {
  startCluster(1);
  Socket s = connectTo(cluster_->nameNodePort());
  Frame resp = rawCall(s, 999, "whatever");
  EXPECT_EQ(resp.status, static_cast<uint16_t>(Code::kBadRequest));
}

TEST_F(MalformedTest, HeartbeatFromUnknownDatanodeAsksToRegister) {
  startCluster(1);
  Socket s = connectTo(cluster_->nameNodePort());
  HeartbeatRequest hb;
  hb.dn_id = "stranger";
  Frame resp = rawCall(s, static_cast<uint16_t>(Method::kHeartbeat), hb.encode());
  ASSERT_EQ(resp.status, static_cast<uint16_t>(Code::kOk));
  Decoder d(resp.payload);
  EXPECT_TRUE(HeartbeatResponse::decode(d).reregister);
  BlockReport report;
  report.dn_id = "stranger";
  Frame br = rawCall(s, static_cast<uint16_t>(Method::kBlockReport), report.encode());
  EXPECT_EQ(br.status, static_cast<uint16_t>(Code::kNotRegistered));
}

TEST_F(MalformedTest, FuzzedFramesToNameNode) {
  startCluster(2);
  std::mt19937 rng(12345);
  const std::vector<uint16_t> methods = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21, 22, 23, 77};
  for (int conn = 0; conn < 4; ++conn) {
    Socket s = connectTo(cluster_->nameNodePort());
    for (int i = 0; i < 50; ++i) {
      Frame f;
      f.type = methods[rng() % methods.size()];
      f.id = static_cast<uint64_t>(i);
      f.payload = makeData(rng() % 64, static_cast<uint32_t>(rng()));
      if (!writeFrame(s, f).ok()) break;
      Frame resp;
      // Every well-framed request gets an answer (usually BAD_REQUEST), never a crash.
      if (!readFrame(s, 1 << 20, &resp).ok()) break;
      EXPECT_EQ(resp.id, f.id);
    }
  }
  expectClusterHealthy();
}

TEST_F(MalformedTest, GarbageToDatanodeTransferPort) {
  startCluster(2);
  std::mt19937 rng(777);
  uint16_t port = cluster_->dataNode(0).xferPort();
  for (int i = 0; i < 20; ++i) {
    Socket s = connectTo(port);
    Frame f;
    f.type = static_cast<uint16_t>(100 + rng() % 8);
    f.payload = makeData(rng() % 80, static_cast<uint32_t>(rng()));
    s.setTimeouts(Millis(300), Millis(300));
    writeFrame(s, f);
    Frame resp;
    readFrame(s, 1 << 20, &resp);
  }
  EXPECT_TRUE(MiniCluster::waitFor([&] { return cluster_->dataNode(0).metrics().xceiver.malformed >= 1; },
                                   Millis(2000)));
  expectClusterHealthy();
}

TEST_F(MalformedTest, WriteHeaderWithBogusPipelineFailsCleanly) {
  startCluster(2);
  Socket s = connectTo(cluster_->dataNode(0).xferPort());
  WriteBlockHeader h;
  h.block = Block{987654, 1, 0};
  h.downstream.push_back(DatanodeInfo{"ghost", "127.0.0.1", 1});  // nothing listens on port 1
  h.client = "fuzzer";
  Frame op;
  op.type = static_cast<uint16_t>(Op::kWriteBlock);
  op.payload = h.encode();
  ASSERT_TRUE(writeFrame(s, op).ok());
  Frame ack;
  ASSERT_TRUE(readFrame(s, 1 << 20, &ack).ok());
  Decoder d(ack.payload);
  PipelineAck a = PipelineAck::decode(d);
  EXPECT_EQ(a.status, static_cast<uint16_t>(Code::kIoError));
  EXPECT_EQ(a.bad_index, 1);
  expectClusterHealthy();
}

}  // namespace
}  // namespace minidfs
