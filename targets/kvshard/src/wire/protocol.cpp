#include "wire/protocol.h"

#include <climits>
#include <cstdint>
#include <type_traits>
#include <utility>

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

namespace {

// Every message lists its fields once, in wire order, in a describe() overload below. The
// same list drives both directions: Out writes the fields, In reads them back into place.
// Side<IO, T> is `const T` while encoding and `T` while decoding.
template <class IO, class T>
using Side = typename std::conditional<IO::kEncoding, const T, T>::type;

template <class IO> void describe(IO &io, Side<IO, NodeAddress> &m) { io(m.id)(m.host)(m.port); }
template <class IO> void describe(IO &io, Side<IO, ShardAssignment> &m) { io(m.shard)(m.epoch); }
template <class IO> void describe(IO &io, Side<IO, NodeCommand> &m) { io(m.type)(m.shard)(m.target); }
template <class IO> void describe(IO &io, Side<IO, ShardRoute> &m) { io(m.shard)(m.owner)(m.epoch); }
template <class IO> void describe(IO &io, Side<IO, BatchEntry> &m) { io(m.key)(m.value)(m.version); }

template <class IO> void describe(IO &io, Side<IO, RegisterNodeRequest> &m) { io(m.node); }
template <class IO> void describe(IO &io, Side<IO, RegisterNodeResponse> &m) { io(m.num_shards)(m.owned); }
template <class IO> void describe(IO &io, Side<IO, RenewLeaseRequest> &m) { io(m.node)(m.load)(m.hot_shard); }
template <class IO> void describe(IO &io, Side<IO, RenewLeaseResponse> &m) { io(m.owned)(m.commands); }
template <class IO> void describe(IO &io, Side<IO, PlacementMap> &m) { io(m.num_shards)(m.routes); }
template <class IO> void describe(IO &io, Side<IO, HandoffDoneRequest> &m) {
  io(m.node)(m.shard)(m.target)(m.ok);
}
template <class IO> void describe(IO &io, Side<IO, HandoffDoneResponse> &m) { io(m.owner_is_target)(m.epoch); }
template <class IO> void describe(IO &io, Side<IO, KeyRequest> &m) { io(m.shard)(m.epoch)(m.key); }
template <class IO> void describe(IO &io, Side<IO, PutRequest> &m) { io(m.shard)(m.epoch)(m.key)(m.value); }
template <class IO> void describe(IO &io, Side<IO, InstallBatchRequest> &m) {
  io(m.shard)(m.epoch)(m.seq)(m.entries)(m.checksum);
}
template <class IO> void describe(IO &io, Side<IO, ShardReadyRequest> &m) { io(m.shard)(m.epoch); }
template <class IO> void describe(IO &io, Side<IO, OwnerHint> &m) { io(m.owner)(m.epoch); }

class Out {
 public:
  static constexpr bool kEncoding = true;
  explicit Out(Writer &w) : w_(w) {}

  Out &operator()(uint16_t v) { return varint(v); }
  Out &operator()(uint32_t v) { return varint(v); }
  Out &operator()(uint64_t v) { return varint(v); }
  Out &operator()(int32_t v) {
    w_.zigzag(v);
    return *this;
  }
  Out &operator()(bool v) {
    w_.flag(v);
    return *this;
  }
  Out &operator()(const std::string &v) {
    w_.blob(v);
    return *this;
  }
  Out &operator()(CommandType v) {
    w_.byte(static_cast<uint8_t>(v));
    return *this;
  }
  Out &operator()(const StatsMap &stats) {
    w_.varint(stats.size());
    for (const auto &kv : stats) (*this)(kv.first)(kv.second);
    return *this;
  }
  template <class T>
  Out &operator()(const std::vector<T> &list) {
    w_.varint(list.size());
    for (const T &item : list) (*this)(item);
    return *this;
  }
  template <class T>
  Out &operator()(const T &message) {
    describe(*this, message);
    return *this;
  }

 private:
  Out &varint(uint64_t v) {
    w_.varint(v);
    return *this;
  }
  Writer &w_;
};

class In {
 public:
  static constexpr bool kEncoding = false;
  explicit In(Reader &r) : r_(r) {}

  In &operator()(uint16_t &v) { return take(v, r_.varint16()); }
  In &operator()(uint32_t &v) { return take(v, r_.varint32()); }
  In &operator()(uint64_t &v) { return take(v, r_.varint()); }
  In &operator()(int32_t &v) {
    int64_t wide = r_.zigzag();
    if (wide < INT32_MIN || wide > INT32_MAX) throw ProtocolError("signed field out of range");
    return take(v, static_cast<int32_t>(wide));
  }
  In &operator()(bool &v) { return take(v, r_.flag()); }
  In &operator()(std::string &v) { return take(v, r_.blob()); }
  In &operator()(CommandType &v) {
    uint8_t raw = r_.byte();
    if (raw == static_cast<uint8_t>(CommandType::kHandoff)) return take(v, CommandType::kHandoff);
    if (raw == static_cast<uint8_t>(CommandType::kDrop)) return take(v, CommandType::kDrop);
    throw ProtocolError("unknown node command " + std::to_string(raw));
  }
  In &operator()(StatsMap &stats) {
    // A counter is at least a one-byte name length and a one-byte value.
    for (size_t n = r_.listSize(2); n > 0; --n) {
      std::string name = r_.blob();
      stats[name] = r_.varint();
    }
    return *this;
  }
  template <class T>
  In &operator()(std::vector<T> &list) {
    // Every element type here encodes to at least one byte.
    list.resize(r_.listSize(1));
    for (T &item : list) (*this)(item);
    return *this;
  }
  template <class T>
  In &operator()(T &message) {
    describe(*this, message);
    return *this;
  }

 private:
  template <class T, class V>
  In &take(T &field, V &&value) {
    field = std::forward<V>(value);
    return *this;
  }
  Reader &r_;
};

template <class M>
std::string encodeMessage(const M &message) {
  Writer w;
  Out fields(w);
  fields(message);
  return w.release();
}

// A whole message: the body must end where the message does.
template <class M>
M decodeMessage(Reader &r) {
  M message;
  In fields(r);
  fields(message);
  r.requireEnd();
  return message;
}

}  // namespace

void NodeAddress::encode(Writer &w) const {
  Out fields(w);
  fields(*this);
}

NodeAddress NodeAddress::decode(Reader &r) {
  NodeAddress a;
  In fields(r);
  fields(a);
  return a;
}

std::string RegisterNodeRequest::encode() const { return encodeMessage(*this); }
RegisterNodeRequest RegisterNodeRequest::decode(Reader &r) { return decodeMessage<RegisterNodeRequest>(r); }

std::string RegisterNodeResponse::encode() const { return encodeMessage(*this); }
RegisterNodeResponse RegisterNodeResponse::decode(Reader &r) { return decodeMessage<RegisterNodeResponse>(r); }

std::string RenewLeaseRequest::encode() const { return encodeMessage(*this); }
RenewLeaseRequest RenewLeaseRequest::decode(Reader &r) { return decodeMessage<RenewLeaseRequest>(r); }

std::string RenewLeaseResponse::encode() const { return encodeMessage(*this); }
RenewLeaseResponse RenewLeaseResponse::decode(Reader &r) { return decodeMessage<RenewLeaseResponse>(r); }

std::string PlacementMap::encode() const { return encodeMessage(*this); }
PlacementMap PlacementMap::decode(Reader &r) { return decodeMessage<PlacementMap>(r); }

std::string HandoffDoneRequest::encode() const { return encodeMessage(*this); }
HandoffDoneRequest HandoffDoneRequest::decode(Reader &r) { return decodeMessage<HandoffDoneRequest>(r); }

std::string HandoffDoneResponse::encode() const { return encodeMessage(*this); }
HandoffDoneResponse HandoffDoneResponse::decode(Reader &r) { return decodeMessage<HandoffDoneResponse>(r); }

std::string encodeStats(const StatsMap &stats) { return encodeMessage(stats); }
StatsMap decodeStats(Reader &r) { return decodeMessage<StatsMap>(r); }

std::string KeyRequest::encode() const { return encodeMessage(*this); }
KeyRequest KeyRequest::decode(Reader &r) { return decodeMessage<KeyRequest>(r); }

std::string PutRequest::encode() const { return encodeMessage(*this); }
PutRequest PutRequest::decode(Reader &r) { return decodeMessage<PutRequest>(r); }

std::string InstallBatchRequest::encode() const { return encodeMessage(*this); }
InstallBatchRequest InstallBatchRequest::decode(Reader &r) { return decodeMessage<InstallBatchRequest>(r); }

uint32_t InstallBatchRequest::computeChecksum() const {
  Writer w;
  Out fields(w);
  fields(shard)(seq)(entries);
  return crc32(w.buffer());
}

std::string ShardReadyRequest::encode() const { return encodeMessage(*this); }
ShardReadyRequest ShardReadyRequest::decode(Reader &r) { return decodeMessage<ShardReadyRequest>(r); }

std::string OwnerHint::encode() const { return encodeMessage(*this); }

OwnerHint OwnerHint::decode(const std::string &bytes) {
  Reader r(bytes);
  return decodeMessage<OwnerHint>(r);
}

std::string encodeErrorPayload(const std::string &message, const std::string &detail) {
  Writer w;
  w.blob(message).blob(detail);
  return w.release();
}

void decodeErrorPayload(const std::string &payload, std::string *message, std::string *detail) {
  Reader r(payload);
  *message = r.blob();
  *detail = r.blob();
  r.requireEnd();
}

}  // namespace kvshard
