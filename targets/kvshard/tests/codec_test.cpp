#include <gtest/gtest.h>

#include "wire/codec.h"
#include "wire/protocol.h"

namespace kvshard {
namespace {

TEST(Codec, IntegersAndStringsRoundTrip) {
  Encoder e;
  e.u8(0xAB).u16(0xBEEF).u32(0xDEADBEEFu).u64(0x0123456789ABCDEFull).boolean(true).str("hello").str("");
  std::string bytes = e.take();
  Decoder d(bytes);
  EXPECT_EQ(d.u8(), 0xAB);
  EXPECT_EQ(d.u16(), 0xBEEF);
  EXPECT_EQ(d.u32(), 0xDEADBEEFu);
  EXPECT_EQ(d.u64(), 0x0123456789ABCDEFull);
  EXPECT_TRUE(d.boolean());
  EXPECT_EQ(d.str(), "hello");
  EXPECT_EQ(d.str(), "");
  EXPECT_NO_THROW(d.expectEnd());
}

TEST(Codec, BigEndianLayout) {
  Encoder e;
  e.u32(0x01020304u);
  EXPECT_EQ(e.bytes(), std::string("\x01\x02\x03\x04", 4));
}

TEST(Codec, TruncatedInputThrows) {
  Encoder e;
  e.str("a long enough string");
  std::string bytes = e.take();
  bytes.resize(bytes.size() - 3);
  Decoder d(bytes);
  EXPECT_THROW(d.str(), ProtocolError);
  std::string two("\x00\x01", 2);
  Decoder d2(two);
  EXPECT_THROW(d2.u32(), ProtocolError);
}

TEST(Codec, ImpossibleListCountIsRejected) {
  Encoder e;
  e.u32(1000000).u32(7);
  std::string bytes = e.take();
  Decoder d(bytes);
  EXPECT_THROW(d.count(8), ProtocolError);
}

TEST(Codec, BadBooleanAndTrailingBytes) {
  std::string two("\x02", 1);
  Decoder d(two);
  EXPECT_THROW(d.boolean(), ProtocolError);
  std::string extra("\x01\x00", 2);
  Decoder d2(extra);
  d2.u8();
  EXPECT_THROW(d2.expectEnd(), ProtocolError);
}

TEST(Frame, RoundTrip) {
  Frame f;
  f.kind = FrameKind::kResponse;
  f.method = static_cast<uint16_t>(Method::kPut);
  f.status = static_cast<uint16_t>(Code::kWrongOwner);
  f.id = 0x1122334455667788ull;
  f.payload = std::string("pay\0load", 8);
  std::string wire = encodeFrame(f);
  ASSERT_EQ(wire.size(), 4 + kFrameHeaderBytes + f.payload.size());
  EXPECT_EQ(decodeLengthPrefix(reinterpret_cast<const unsigned char *>(wire.data())),
            kFrameHeaderBytes + f.payload.size());
  Frame g = decodeFrameBody(wire.substr(4));
  EXPECT_EQ(g.kind, FrameKind::kResponse);
  EXPECT_EQ(g.method, f.method);
  EXPECT_EQ(g.status, f.status);
  EXPECT_EQ(g.id, f.id);
  EXPECT_EQ(g.payload, f.payload);
}

TEST(Frame, BadMagicKindAndShortHeaderAreRejected) {
  Frame f;
  f.payload = "x";
  std::string body = encodeFrame(f).substr(4);
  std::string badMagic = body;
  badMagic[0] = 'Z';
  EXPECT_THROW(decodeFrameBody(badMagic), ProtocolError);
  std::string badKind = body;
  badKind[1] = 7;
  EXPECT_THROW(decodeFrameBody(badKind), ProtocolError);
  EXPECT_THROW(decodeFrameBody(body.substr(0, 5)), ProtocolError);
}

TEST(Protocol, PlacementMapRoundTrip) {
  PlacementMap m;
  m.num_shards = 3;
  for (uint32_t s = 0; s < 3; ++s) {
    m.routes.push_back(ShardRoute{s, NodeAddress{"n" + std::to_string(s), "127.0.0.1", uint16_t(4000 + s)}, s + 7});
  }
  m.routes[1].owner = NodeAddress{};
  std::string bytes = m.encode();
  Decoder d(bytes);
  PlacementMap g = PlacementMap::decode(d);
  ASSERT_EQ(g.routes.size(), 3u);
  EXPECT_EQ(g.num_shards, 3u);
  EXPECT_EQ(g.routes[0].owner, m.routes[0].owner);
  EXPECT_TRUE(g.routes[1].owner.empty());
  EXPECT_EQ(g.routes[2].epoch, 9u);
}

TEST(Protocol, RenewLeaseRoundTrip) {
  RenewLeaseRequest req{"n2", 1234, 5};
  std::string rb = req.encode();
  Decoder rd(rb);
  RenewLeaseRequest r2 = RenewLeaseRequest::decode(rd);
  EXPECT_EQ(r2.node, "n2");
  EXPECT_EQ(r2.load, 1234u);
  EXPECT_EQ(r2.hot_shard, 5);
  RenewLeaseRequest idle{"n1", 0, -1};
  std::string ib = idle.encode();
  Decoder id(ib);
  EXPECT_EQ(RenewLeaseRequest::decode(id).hot_shard, -1);

  RenewLeaseResponse resp;
  resp.owned = {{1, 3}, {4, 9}};
  resp.commands.push_back(NodeCommand{CommandType::kHandoff, 4, NodeAddress{"n3", "127.0.0.1", 999}});
  resp.commands.push_back(NodeCommand{CommandType::kDrop, 6, NodeAddress{}});
  std::string bytes = resp.encode();
  Decoder d(bytes);
  RenewLeaseResponse g = RenewLeaseResponse::decode(d);
  ASSERT_EQ(g.owned.size(), 2u);
  EXPECT_EQ(g.owned[1].epoch, 9u);
  ASSERT_EQ(g.commands.size(), 2u);
  EXPECT_EQ(g.commands[0].type, CommandType::kHandoff);
  EXPECT_EQ(g.commands[0].target.port, 999);
  EXPECT_EQ(g.commands[1].type, CommandType::kDrop);
}

TEST(Protocol, UnknownCommandTypeIsMalformed) {
  RenewLeaseResponse resp;
  resp.commands.push_back(NodeCommand{CommandType::kDrop, 1, NodeAddress{}});
  std::string bytes = resp.encode();
  bytes[8] = 9;  // after the empty owned list (4) and the command count (4)
  Decoder d(bytes);
  EXPECT_THROW(RenewLeaseResponse::decode(d), ProtocolError);
}

TEST(Protocol, InstallBatchRoundTripAndChecksum) {
  InstallBatchRequest b;
  b.shard = 3;
  b.epoch = 2;
  b.seq = 1;
  b.entries = {{"a", "1", 2}, {"b", "2", 1}};
  b.checksum = b.computeChecksum();
  std::string bytes = b.encode();
  Decoder d(bytes);
  InstallBatchRequest g = InstallBatchRequest::decode(d);
  EXPECT_EQ(g.checksum, g.computeChecksum());
  ASSERT_EQ(g.entries.size(), 2u);
  EXPECT_EQ(g.entries[1].key, "b");
  g.entries[1].value = "3";
  EXPECT_NE(g.checksum, g.computeChecksum());
}

TEST(Protocol, ErrorPayloadCarriesOwnerHint) {
  OwnerHint hint{NodeAddress{"n2", "127.0.0.1", 1234}, 5};
  WrongOwnerError err(7, hint);
  EXPECT_EQ(err.code(), Code::kWrongOwner);
  std::string payload = encodeErrorPayload(err.what(), err.detail());
  std::string msg, detail;
  decodeErrorPayload(payload, &msg, &detail);
  EXPECT_NE(msg.find("shard 7"), std::string::npos);
  OwnerHint back = OwnerHint::decode(detail);
  EXPECT_EQ(back.owner, hint.owner);
  EXPECT_EQ(back.epoch, 5u);
}

TEST(Protocol, StatsAndHandoffDoneRoundTrip) {
  StatsMap s{{"a", 1}, {"b", 1ull << 40}};
  std::string bytes = encodeStats(s);
  Decoder d(bytes);
  EXPECT_EQ(decodeStats(d), s);
  HandoffDoneRequest h{"n1", 3, "n2", false};
  std::string hb = h.encode();
  Decoder hd(hb);
  HandoffDoneRequest h2 = HandoffDoneRequest::decode(hd);
  EXPECT_EQ(h2.node, "n1");
  EXPECT_EQ(h2.target, "n2");
  EXPECT_FALSE(h2.ok);
}

TEST(Protocol, RequestsRejectTrailingGarbage) {
  std::string bytes = PutRequest{1, 2, "k", "v"}.encode() + "x";
  Decoder d(bytes);
  EXPECT_THROW(PutRequest::decode(d), ProtocolError);
  std::string kb = KeyRequest{1, 2, "k"}.encode();
  kb.resize(kb.size() - 1);
  Decoder kd(kb);
  EXPECT_THROW(KeyRequest::decode(kd), ProtocolError);
}

}  // namespace
}  // namespace kvshard
