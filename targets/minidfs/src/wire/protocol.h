// Messages of the three protocols: client <-> NameNode, DataNode <-> NameNode (both RPC)
// and the data-transfer protocol spoken on DataNode transfer ports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/codec.h"

namespace minidfs {

// RPC methods (Frame::type of requests and responses on the NameNode port).
enum class Method : uint16_t {
  // ClientProtocol
  kCreate = 1,
  kAddBlock = 2,
  kAbandonBlock = 3,
  kComplete = 4,
  kGetBlockLocations = 5,
  kRenewLease = 6,
  kDelete = 7,
  kList = 8,
  kReportBadBlock = 9,
  kDatanodeReport = 10,
  // DatanodeProtocol
  kRegister = 20,
  kHeartbeat = 21,
  kBlockReport = 22,
  kBlockReceived = 23,
};

// Data-transfer ops and packet kinds (Frame::type on DataNode transfer ports).
enum class Op : uint16_t {
  kWriteBlock = 100,
  kReadBlock = 101,
  kSetupAck = 102,
  kPacket = 103,
  kPacketAck = 104,
  kReadHeader = 105,
  kData = 106,
};

struct Block {
  uint64_t id = 0;
  uint64_t gen_stamp = 0;
  uint64_t num_bytes = 0;
  void encode(Encoder &e) const;
  static Block decode(Decoder &d);
  static constexpr size_t kWireBytes = 24;
};

struct DatanodeInfo {
  std::string id;  // stable node name, e.g. "dn2"
  std::string host;
  uint16_t xfer_port = 0;
  void encode(Encoder &e) const;
  static DatanodeInfo decode(Decoder &d);
  std::string address() const { return host + ":" + std::to_string(xfer_port); }
};

struct LocatedBlock {
  Block block;
  std::vector<DatanodeInfo> locations;
  void encode(Encoder &e) const;
  static LocatedBlock decode(Decoder &d);
};

struct FileLocations {
  uint64_t length = 0;
  bool complete = false;
  std::vector<LocatedBlock> blocks;
  std::string encode() const;
  static FileLocations decode(Decoder &d);
};

enum class CommandType : uint8_t { kReplicate = 1, kInvalidate = 2 };

// Work the NameNode hands a DataNode in a heartbeat response.
struct Command {
  CommandType type = CommandType::kReplicate;
  Block block;
  std::vector<DatanodeInfo> targets;  // kReplicate: where to copy the replica
  void encode(Encoder &e) const;
  static Command decode(Decoder &d);
};

struct HeartbeatRequest {
  std::string dn_id;
  uint32_t num_blocks = 0;
  uint32_t active_transfers = 0;
  std::string encode() const;
  static HeartbeatRequest decode(Decoder &d);
};

struct HeartbeatResponse {
  bool reregister = false;  // the NameNode does not know this DataNode (any more)
  std::vector<Command> commands;
  std::string encode() const;
  static HeartbeatResponse decode(Decoder &d);
};

struct BlockReport {
  std::string dn_id;
  std::vector<Block> blocks;
  std::string encode() const;
  static BlockReport decode(Decoder &d);
};

// Incremental block report: replicas finalized or deleted since the last report.
struct IncrementalReport {
  std::string dn_id;
  std::vector<Block> received;
  std::vector<uint64_t> deleted;
  std::string encode() const;
  static IncrementalReport decode(Decoder &d);
};

struct DatanodeStatus {
  std::string id;
  bool alive = false;
  uint32_t num_blocks = 0;
  uint64_t heartbeats = 0;
  uint64_t registrations = 0;
  void encode(Encoder &e) const;
  static DatanodeStatus decode(Decoder &d);
};

std::vector<DatanodeStatus> decodeDatanodeReport(Decoder &d);
std::string encodeDatanodeReport(const std::vector<DatanodeStatus> &report);

// --- data transfer -------------------------------------------------------------------

struct WriteBlockHeader {
  Block block;
  std::vector<DatanodeInfo> downstream;  // rest of the pipeline after the receiver
  std::string client;                    // client name, or the source DataNode for transfers
  std::string encode() const;
  static WriteBlockHeader decode(Decoder &d);
};

// Setup and packet acknowledgements travel upstream. bad_index names the pipeline
// position (0 = the node that sends the ack) that failed, or -1.
struct PipelineAck {
  uint16_t status = 0;
  int32_t bad_index = -1;
  std::string encode() const;
  static PipelineAck decode(Decoder &d);
};

struct Packet {
  uint64_t offset = 0;
  bool last = false;
  std::string data;
  std::string encode() const;
  static Packet decode(Decoder &d);
};

struct ReadBlockRequest {
  uint64_t block_id = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string encode() const;
  static ReadBlockRequest decode(Decoder &d);
};

}  // namespace minidfs
