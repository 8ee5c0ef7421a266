// RPC methods and their request/response messages. Each message encodes itself with a
// Writer and decodes from a Reader (decode() throws ProtocolError on malformed input).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wire/codec.h"

namespace kvshard {

enum class Method : uint16_t {
  // Coordinator.
  kRegisterNode = 1,
  kRenewLease = 2,
  kGetMap = 3,
  kHandoffDone = 4,
  // Storage node.
  kGet = 10,
  kPut = 11,
  kDelete = 12,
  kInstallBatch = 13,
  kShardReady = 14,
  // Both.
  kStats = 20,
};

const char *methodName(Method m);

struct NodeAddress {
  std::string id;
  std::string host;
  uint16_t port = 0;

  bool empty() const { return id.empty(); }
  std::string toString() const { return id + "@" + host + ":" + std::to_string(port); }
  void encode(Writer &w) const;
  static NodeAddress decode(Reader &r);
  bool operator==(const NodeAddress &o) const { return id == o.id && host == o.host && port == o.port; }
};

struct ShardAssignment {
  uint32_t shard = 0;
  uint64_t epoch = 0;
};

// --- Coordinator messages ---------------------------------------------------------------

struct RegisterNodeRequest {
  NodeAddress node;
  std::string encode() const;
  static RegisterNodeRequest decode(Reader &r);
};

struct RegisterNodeResponse {
  uint32_t num_shards = 0;
  std::vector<ShardAssignment> owned;
  std::string encode() const;
  static RegisterNodeResponse decode(Reader &r);
};

struct RenewLeaseRequest {
  std::string node;
  uint64_t load = 0;          // requests per second since the previous renewal
  int32_t hot_shard = -1;     // the node's busiest owned shard, -1 when idle
  std::string encode() const;
  static RenewLeaseRequest decode(Reader &r);
};

enum class CommandType : uint8_t { kHandoff = 1, kDrop = 2 };

struct NodeCommand {
  CommandType type = CommandType::kHandoff;
  uint32_t shard = 0;
  NodeAddress target;  // HANDOFF only
};

struct RenewLeaseResponse {
  std::vector<ShardAssignment> owned;  // shards the placement table gives this node
  std::vector<NodeCommand> commands;
  std::string encode() const;
  static RenewLeaseResponse decode(Reader &r);
};

struct ShardRoute {
  uint32_t shard = 0;
  NodeAddress owner;  // empty while unassigned
  uint64_t epoch = 0;
};

struct PlacementMap {
  uint32_t num_shards = 0;
  std::vector<ShardRoute> routes;  // indexed by shard
  std::string encode() const;
  static PlacementMap decode(Reader &r);
};

struct HandoffDoneRequest {
  std::string node;
  uint32_t shard = 0;
  std::string target;
  bool ok = true;
  std::string encode() const;
  static HandoffDoneRequest decode(Reader &r);
};

struct HandoffDoneResponse {
  bool owner_is_target = false;  // the placement table now names the target
  uint64_t epoch = 0;
  std::string encode() const;
  static HandoffDoneResponse decode(Reader &r);
};

using StatsMap = std::map<std::string, uint64_t>;
std::string encodeStats(const StatsMap &stats);
StatsMap decodeStats(Reader &r);

// --- Storage node messages --------------------------------------------------------------

struct KeyRequest {  // Get and Delete
  uint32_t shard = 0;
  uint64_t epoch = 0;
  std::string key;
  std::string encode() const;
  static KeyRequest decode(Reader &r);
};

struct PutRequest {
  uint32_t shard = 0;
  uint64_t epoch = 0;
  std::string key;
  std::string value;
  std::string encode() const;
  static PutRequest decode(Reader &r);
};

struct BatchEntry {
  std::string key;
  std::string value;
  uint64_t version = 0;  // epoch of the write
};

struct InstallBatchRequest {
  uint32_t shard = 0;
  uint64_t epoch = 0;
  uint32_t seq = 0;
  std::vector<BatchEntry> entries;
  uint32_t checksum = 0;
  std::string encode() const;
  static InstallBatchRequest decode(Reader &r);
  // CRC over shard, seq and every entry, in order.
  uint32_t computeChecksum() const;
};

struct ShardReadyRequest {
  uint32_t shard = 0;
  uint64_t epoch = 0;
  std::string encode() const;
  static ShardReadyRequest decode(Reader &r);
};

// Owner hint carried in the error payload of WRONG_OWNER.
struct OwnerHint {
  NodeAddress owner;  // empty: the node does not know
  uint64_t epoch = 0;
  std::string encode() const;
  static OwnerHint decode(const std::string &bytes);
};

// Error responses carry: str message, str detail.
std::string encodeErrorPayload(const std::string &message, const std::string &detail);
void decodeErrorPayload(const std::string &payload, std::string *message, std::string *detail);

}  // namespace kvshard

namespace kvshard {

// Thrown by a storage node asked about a shard it does not serve (or at an old epoch).
class WrongOwnerError : public KvError {
 public:
  WrongOwnerError(uint32_t shard, const OwnerHint &hint)
      : KvError(Code::kWrongOwner,
                "shard " + std::to_string(shard) + " not owned here" +
                    (hint.owner.empty() ? std::string() : "; try " + hint.owner.toString()),
                hint.encode()) {}
};

}  // namespace kvshard
