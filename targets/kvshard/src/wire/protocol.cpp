#include "wire/protocol.h"

#include "wire/hashing.h"

namespace kvshard {

const char *methodName(Method m) {
  switch (m) {
    case Method::kRegisterNode: return "RegisterNode";
    case Method::kRenewLease: return "RenewLease";
    case Method::kGetMap: return "GetMap";
    case Method::kHandoffDone: return "HandoffDone";
    case Method::kGet: return "Get";
    case Method::kPut: return "Put";
    case Method::kDelete: return "Delete";
    case Method::kInstallBatch: return "InstallBatch";
    case Method::kShardReady: return "ShardReady";
    case Method::kStats: return "Stats";
  }
  return "Unknown";
}

void NodeAddress::encode(Encoder &e) const { e.str(id).str(host).u16(port); }

NodeAddress NodeAddress::decode(Decoder &d) {
  NodeAddress a;
  a.id = d.str();
  a.host = d.str();
  a.port = d.u16();
  return a;
}

namespace {

void encodeAssignments(Encoder &e, const std::vector<ShardAssignment> &v) {
  e.u32(static_cast<uint32_t>(v.size()));
  for (const ShardAssignment &a : v) e.u32(a.shard).u64(a.epoch);
}

std::vector<ShardAssignment> decodeAssignments(Decoder &d) {
  std::vector<ShardAssignment> v(d.count(12));
  for (ShardAssignment &a : v) {
    a.shard = d.u32();
    a.epoch = d.u64();
  }
  return v;
}

}  // namespace

std::string RegisterNodeRequest::encode() const {
  Encoder e;
  node.encode(e);
  return e.take();
}

RegisterNodeRequest RegisterNodeRequest::decode(Decoder &d) {
  RegisterNodeRequest r;
  r.node = NodeAddress::decode(d);
  d.expectEnd();
  return r;
}

std::string RegisterNodeResponse::encode() const {
  Encoder e;
  e.u32(num_shards);
  encodeAssignments(e, owned);
  return e.take();
}

RegisterNodeResponse RegisterNodeResponse::decode(Decoder &d) {
  RegisterNodeResponse r;
  r.num_shards = d.u32();
  r.owned = decodeAssignments(d);
  d.expectEnd();
  return r;
}

std::string RenewLeaseRequest::encode() const {
  Encoder e;
  e.str(node).u64(load).u32(static_cast<uint32_t>(hot_shard));
  return e.take();
}

RenewLeaseRequest RenewLeaseRequest::decode(Decoder &d) {
  RenewLeaseRequest r;
  r.node = d.str();
  r.load = d.u64();
  r.hot_shard = static_cast<int32_t>(d.u32());
  d.expectEnd();
  return r;
}

std::string RenewLeaseResponse::encode() const {
  Encoder e;
  encodeAssignments(e, owned);
  e.u32(static_cast<uint32_t>(commands.size()));
  for (const NodeCommand &c : commands) {
    e.u8(static_cast<uint8_t>(c.type)).u32(c.shard);
    c.target.encode(e);
  }
  return e.take();
}

RenewLeaseResponse RenewLeaseResponse::decode(Decoder &d) {
  RenewLeaseResponse r;
  r.owned = decodeAssignments(d);
  r.commands.resize(d.count(15));
  for (NodeCommand &c : r.commands) {
    uint8_t t = d.u8();
    if (t != static_cast<uint8_t>(CommandType::kHandoff) && t != static_cast<uint8_t>(CommandType::kDrop)) {
      throw ProtocolError("bad command type " + std::to_string(t));
    }
    c.type = static_cast<CommandType>(t);
    c.shard = d.u32();
    c.target = NodeAddress::decode(d);
  }
  d.expectEnd();
  return r;
}

std::string PlacementMap::encode() const {
  Encoder e;
  e.u32(num_shards);
  e.u32(static_cast<uint32_t>(routes.size()));
  for (const ShardRoute &r : routes) {
    e.u32(r.shard);
    r.owner.encode(e);
    e.u64(r.epoch);
  }
  return e.take();
}

PlacementMap PlacementMap::decode(Decoder &d) {
  PlacementMap m;
  m.num_shards = d.u32();
  m.routes.resize(d.count(22));
  for (ShardRoute &r : m.routes) {
    r.shard = d.u32();
    r.owner = NodeAddress::decode(d);
    r.epoch = d.u64();
  }
  d.expectEnd();
  return m;
}

std::string HandoffDoneRequest::encode() const {
  Encoder e;
  e.str(node).u32(shard).str(target).boolean(ok);
  return e.take();
}

HandoffDoneRequest HandoffDoneRequest::decode(Decoder &d) {
  HandoffDoneRequest r;
  r.node = d.str();
  r.shard = d.u32();
  r.target = d.str();
  r.ok = d.boolean();
  d.expectEnd();
  return r;
}

std::string HandoffDoneResponse::encode() const {
  Encoder e;
  e.boolean(owner_is_target).u64(epoch);
  return e.take();
}

HandoffDoneResponse HandoffDoneResponse::decode(Decoder &d) {
  HandoffDoneResponse r;
  r.owner_is_target = d.boolean();
  r.epoch = d.u64();
  d.expectEnd();
  return r;
}

std::string encodeStats(const StatsMap &stats) {
  Encoder e;
  e.u32(static_cast<uint32_t>(stats.size()));
  for (const auto &kv : stats) e.str(kv.first).u64(kv.second);
  return e.take();
}

StatsMap decodeStats(Decoder &d) {
  StatsMap m;
  uint32_t n = d.count(12);
  for (uint32_t i = 0; i < n; ++i) {
    std::string k = d.str();
    m[k] = d.u64();
  }
  d.expectEnd();
  return m;
}

std::string KeyRequest::encode() const {
  Encoder e;
  e.u32(shard).u64(epoch).str(key);
  return e.take();
}

KeyRequest KeyRequest::decode(Decoder &d) {
  KeyRequest r;
  r.shard = d.u32();
  r.epoch = d.u64();
  r.key = d.str();
  d.expectEnd();
  return r;
}

std::string PutRequest::encode() const {
  Encoder e;
  e.u32(shard).u64(epoch).str(key).str(value);
  return e.take();
}

PutRequest PutRequest::decode(Decoder &d) {
  PutRequest r;
  r.shard = d.u32();
  r.epoch = d.u64();
  r.key = d.str();
  r.value = d.str();
  d.expectEnd();
  return r;
}

std::string InstallBatchRequest::encode() const {
  Encoder e;
  e.u32(shard).u64(epoch).u32(seq);
  e.u32(static_cast<uint32_t>(entries.size()));
  for (const BatchEntry &b : entries) e.str(b.key).str(b.value).u64(b.version);
  e.u32(checksum);
  return e.take();
}

InstallBatchRequest InstallBatchRequest::decode(Decoder &d) {
  InstallBatchRequest r;
  r.shard = d.u32();
  r.epoch = d.u64();
  r.seq = d.u32();
  r.entries.resize(d.count(16));
  for (BatchEntry &b : r.entries) {
    b.key = d.str();
    b.value = d.str();
    b.version = d.u64();
  }
  r.checksum = d.u32();
  d.expectEnd();
  return r;
}

uint32_t InstallBatchRequest::computeChecksum() const {
  Encoder e;
  e.u32(shard).u32(seq);
  for (const BatchEntry &b : entries) e.str(b.key).str(b.value).u64(b.version);
  return crc32(e.bytes());
}

std::string ShardReadyRequest::encode() const {
  Encoder e;
  e.u32(shard).u64(epoch);
  return e.take();
}

ShardReadyRequest ShardReadyRequest::decode(Decoder &d) {
  ShardReadyRequest r;
  r.shard = d.u32();
  r.epoch = d.u64();
  d.expectEnd();
  return r;
}

std::string OwnerHint::encode() const {
  Encoder e;
  owner.encode(e);
  e.u64(epoch);
  return e.take();
}

OwnerHint OwnerHint::decode(const std::string &bytes) {
  Decoder d(bytes);
  OwnerHint h;
  h.owner = NodeAddress::decode(d);
  h.epoch = d.u64();
  d.expectEnd();
  return h;
}

std::string encodeErrorPayload(const std::string &message, const std::string &detail) {
  Encoder e;
  e.str(message).str(detail);
  return e.take();
}

void decodeErrorPayload(const std::string &payload, std::string *message, std::string *detail) {
  Decoder d(payload);
  *message = d.str();
  *detail = d.str();
  d.expectEnd();
}

}  // namespace kvshard
