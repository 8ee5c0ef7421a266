#include <gtest/gtest.h>

#include "wire/codec.h"
#include "wire/protocol.h"

namespace kvshard {
namespace {

TEST(Codec, IntegersAndStringsRoundTrip) {
  Writer w;
  w.byte(0xAB).varint(0xBEEF).varint(0xDEADBEEFu).varint(0x0123456789ABCDEFull).zigzag(-5).flag(true);
  w.blob("hello").blob("").fixed(uint16_t{0x1234});
  std::string bytes = w.release();
  Reader r(bytes);
  EXPECT_EQ(r.byte(), 0xAB);
  EXPECT_EQ(r.varint16(), 0xBEEF);
  EXPECT_EQ(r.varint32(), 0xDEADBEEFu);
  EXPECT_EQ(r.varint(), 0x0123456789ABCDEFull);
  EXPECT_EQ(r.zigzag(), -5);
  EXPECT_TRUE(r.flag());
  EXPECT_EQ(r.blob(), "hello");
  EXPECT_EQ(r.blob(), "");
  EXPECT_EQ(r.fixed<uint16_t>(), 0x1234);
  EXPECT_NO_THROW(r.requireEnd());
}

TEST(Codec, BigEndianLayout) {
  Writer w;
  w.fixed(uint32_t{0x01020304u});
  EXPECT_EQ(w.buffer(), std::string("\x01\x02\x03\x04", 4));
  // Varints put the low 7-bit group first.
  Writer v;
  v.varint(300).varint(5);
  EXPECT_EQ(v.buffer(), std::string("\xAC\x02\x05", 3));
}

TEST(Codec, TruncatedInputThrows) {
  Writer w;
  w.blob("a long enough string");
  std::string bytes = w.release();
  bytes.resize(bytes.size() - 3);
  Reader r(bytes);
  EXPECT_THROW(r.blob(), ProtocolError);
  std::string unfinished("\x80\x81", 2);  // continuation bit set on the last byte
  Reader r2(unfinished);
  EXPECT_THROW(r2.varint(), ProtocolError);
  std::string wide("\xFF\xFF\xFF\xFF\x7F", 5);  // 2^35 - 1 does not fit 32 bits
  Reader r3(wide);
  EXPECT_THROW(r3.varint32(), ProtocolError);
}

TEST(Codec, ImpossibleListCountIsRejected) {
  Writer w;
  w.varint(1000000).varint(7);
  std::string bytes = w.release();
  Reader r(bytes);
  EXPECT_THROW(r.listSize(1), ProtocolError);
}

TEST(Codec, BadBooleanAndTrailingBytes) {
  std::string two("\x02", 1);
  Reader r(two);
  EXPECT_THROW(r.flag(), ProtocolError);
  std::string extra("\x01\x00", 2);
  Reader r2(extra);
  r2.byte();
  EXPECT_THROW(r2.requireEnd(), ProtocolError);
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
  Reader d(bytes);
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
  Reader rd(rb);
  RenewLeaseRequest r2 = RenewLeaseRequest::decode(rd);
  EXPECT_EQ(r2.node, "n2");
  EXPECT_EQ(r2.load, 1234u);
  EXPECT_EQ(r2.hot_shard, 5);
  RenewLeaseRequest idle{"n1", 0, -1};
  std::string ib = idle.encode();
  Reader id(ib);
  EXPECT_EQ(RenewLeaseRequest::decode(id).hot_shard, -1);

  RenewLeaseResponse resp;
  resp.owned = {{1, 3}, {4, 9}};
  resp.commands.push_back(NodeCommand{CommandType::kHandoff, 4, NodeAddress{"n3", "127.0.0.1", 999}});
  resp.commands.push_back(NodeCommand{CommandType::kDrop, 6, NodeAddress{}});
  std::string bytes = resp.encode();
  Reader d(bytes);
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
  bytes[2] = 9;  // after the empty owned list (1) and the command count (1)
  Reader d(bytes);
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
  Reader d(bytes);
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
  Reader d(bytes);
  EXPECT_EQ(decodeStats(d), s);
  HandoffDoneRequest h{"n1", 3, "n2", false};
  std::string hb = h.encode();
  Reader hd(hb);
  HandoffDoneRequest h2 = HandoffDoneRequest::decode(hd);
  EXPECT_EQ(h2.node, "n1");
  EXPECT_EQ(h2.target, "n2");
  EXPECT_FALSE(h2.ok);
}

TEST(Protocol, RequestsRejectTrailingGarbage) {
  std::string bytes = PutRequest{1, 2, "k", "v"}.encode() + "x";
  Reader d(bytes);
  EXPECT_THROW(PutRequest::decode(d), ProtocolError);
  std::string kb = KeyRequest{1, 2, "k"}.encode();
  kb.resize(kb.size() - 1);
  Reader kd(kb);
  EXPECT_THROW(KeyRequest::decode(kd), ProtocolError);
}

}  // namespace
}  // namespace kvshard
