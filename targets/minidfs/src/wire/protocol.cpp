#include "wire/protocol.h"

namespace minidfs {

namespace {

template <class T>
void encodeList(Encoder &e, const std::vector<T> &items) {
  e.u32(static_cast<uint32_t>(items.size()));
  for (const T &item : items) item.encode(e);
}

// minBytes bounds the declared count by the bytes actually present, so a garbage count
// cannot make the decoder reserve gigabytes.
template <class T>
std::vector<T> decodeList(Decoder &d, size_t minBytes) {
  uint32_t n = d.count(minBytes);
  std::vector<T> items;
  items.reserve(n);
  for (uint32_t i = 0; i < n; ++i) items.push_back(T::decode(d));
  return items;
}

}  // namespace

void Block::encode(Encoder &e) const { e.u64(id).u64(gen_stamp).u64(num_bytes); }

Block Block::decode(Decoder &d) {
  Block b;
  b.id = d.u64();
  b.gen_stamp = d.u64();
  b.num_bytes = d.u64();
  return b;
}

void DatanodeInfo::encode(Encoder &e) const { e.str(id).str(host).u16(xfer_port); }

DatanodeInfo DatanodeInfo::decode(Decoder &d) {
  DatanodeInfo i;
  i.id = d.str();
  i.host = d.str();
  i.xfer_port = d.u16();
  return i;
}

void LocatedBlock::encode(Encoder &e) const {
  block.encode(e);
  encodeList(e, locations);
}

LocatedBlock LocatedBlock::decode(Decoder &d) {
  LocatedBlock lb;
  lb.block = Block::decode(d);
  lb.locations = decodeList<DatanodeInfo>(d, 10);
  return lb;
}

std::string FileLocations::encode() const {
  Encoder e;
  e.u64(length).boolean(complete);
  encodeList(e, blocks);
  return e.take();
}

FileLocations FileLocations::decode(Decoder &d) {
  FileLocations f;
  f.length = d.u64();
  f.complete = d.boolean();
  f.blocks = decodeList<LocatedBlock>(d, Block::kWireBytes + 4);
  return f;
}

void Command::encode(Encoder &e) const {
  e.u8(static_cast<uint8_t>(type));
  block.encode(e);
  encodeList(e, targets);
}

Command Command::decode(Decoder &d) {
  Command c;
  uint8_t t = d.u8();
  if (t != static_cast<uint8_t>(CommandType::kReplicate) &&
      t != static_cast<uint8_t>(CommandType::kInvalidate)) {
    throw ProtocolError("unknown command type " + std::to_string(t));
  }
  c.type = static_cast<CommandType>(t);
  c.block = Block::decode(d);
  c.targets = decodeList<DatanodeInfo>(d, 10);
  return c;
}

std::string HeartbeatRequest::encode() const {
  Encoder e;
  e.str(dn_id).u32(num_blocks).u32(active_transfers);
  return e.take();
}

HeartbeatRequest HeartbeatRequest::decode(Decoder &d) {
  HeartbeatRequest r;
  r.dn_id = d.str();
  r.num_blocks = d.u32();
  r.active_transfers = d.u32();
  d.expectEnd();
  return r;
}

std::string HeartbeatResponse::encode() const {
  Encoder e;
  e.boolean(reregister);
  encodeList(e, commands);
  return e.take();
}

HeartbeatResponse HeartbeatResponse::decode(Decoder &d) {
  HeartbeatResponse r;
  r.reregister = d.boolean();
  r.commands = decodeList<Command>(d, 1 + Block::kWireBytes + 4);
  d.expectEnd();
  return r;
}

std::string BlockReport::encode() const {
  Encoder e;
  e.str(dn_id);
  encodeList(e, blocks);
  return e.take();
}

BlockReport BlockReport::decode(Decoder &d) {
  BlockReport r;
  r.dn_id = d.str();
  r.blocks = decodeList<Block>(d, Block::kWireBytes);
  d.expectEnd();
  return r;
}

std::string IncrementalReport::encode() const {
  Encoder e;
  e.str(dn_id);
  encodeList(e, received);
  e.u32(static_cast<uint32_t>(deleted.size()));
  for (uint64_t id : deleted) e.u64(id);
  return e.take();
}

IncrementalReport IncrementalReport::decode(Decoder &d) {
  IncrementalReport r;
  r.dn_id = d.str();
  r.received = decodeList<Block>(d, Block::kWireBytes);
  uint32_t n = d.count(8);
  for (uint32_t i = 0; i < n; ++i) r.deleted.push_back(d.u64());
  d.expectEnd();
  return r;
}

void DatanodeStatus::encode(Encoder &e) const {
  e.str(id).boolean(alive).u32(num_blocks).u64(heartbeats).u64(registrations);
}

DatanodeStatus DatanodeStatus::decode(Decoder &d) {
  DatanodeStatus s;
  s.id = d.str();
  s.alive = d.boolean();
  s.num_blocks = d.u32();
  s.heartbeats = d.u64();
  s.registrations = d.u64();
  return s;
}

std::vector<DatanodeStatus> decodeDatanodeReport(Decoder &d) {
  auto report = decodeList<DatanodeStatus>(d, 25);
  d.expectEnd();
  return report;
}

std::string encodeDatanodeReport(const std::vector<DatanodeStatus> &report) {
  Encoder e;
  encodeList(e, report);
  return e.take();
}

std::string WriteBlockHeader::encode() const {
  Encoder e;
  block.encode(e);
  encodeList(e, downstream);
  e.str(client);
  return e.take();
}

WriteBlockHeader WriteBlockHeader::decode(Decoder &d) {
  WriteBlockHeader h;
  h.block = Block::decode(d);
  h.downstream = decodeList<DatanodeInfo>(d, 10);
  h.client = d.str();
  d.expectEnd();
  return h;
}

std::string PipelineAck::encode() const {
  Encoder e;
  e.u16(status).u32(static_cast<uint32_t>(bad_index));
  return e.take();
}

PipelineAck PipelineAck::decode(Decoder &d) {
  PipelineAck a;
  a.status = d.u16();
  a.bad_index = static_cast<int32_t>(d.u32());
  d.expectEnd();
  return a;
}

std::string Packet::encode() const {
  Encoder e;
  e.u64(offset).boolean(last).str(data);
  return e.take();
}

Packet Packet::decode(Decoder &d) {
  Packet p;
  p.offset = d.u64();
  p.last = d.boolean();
  p.data = d.str();
  d.expectEnd();
  return p;
}

std::string ReadBlockRequest::encode() const {
  Encoder e;
  e.u64(block_id).u64(offset).u64(length);
  return e.take();
}

ReadBlockRequest ReadBlockRequest::decode(Decoder &d) {
  ReadBlockRequest r;
  r.block_id = d.u64();
  r.offset = d.u64();
  r.length = d.u64();
  d.expectEnd();
  return r;
}

}  // namespace minidfs
