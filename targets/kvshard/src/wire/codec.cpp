#include "wire/codec.h"

namespace kvshard {

Encoder &Encoder::u8(uint8_t v) {
  buf_.push_back(static_cast<char>(v));
  return *this;
}

Encoder &Encoder::u16(uint16_t v) {
  u8(static_cast<uint8_t>(v >> 8));
  return u8(static_cast<uint8_t>(v));
}

Encoder &Encoder::u32(uint32_t v) {
  u16(static_cast<uint16_t>(v >> 16));
  return u16(static_cast<uint16_t>(v));
}

Encoder &Encoder::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  return u32(static_cast<uint32_t>(v));
}

Encoder &Encoder::str(const std::string &s) {
  u32(static_cast<uint32_t>(s.size()));
  buf_.append(s);
  return *this;
}

void Decoder::need(size_t n) const {
  if (remaining() < n) {
    throw ProtocolError("truncated message: need " + std::to_string(n) + " bytes, have " +
                        std::to_string(remaining()));
  }
}

uint8_t Decoder::u8() {
  need(1);
  return static_cast<uint8_t>(buf_[pos_++]);
}

uint16_t Decoder::u16() {
  uint16_t hi = u8();
  return static_cast<uint16_t>((hi << 8) | u8());
}

uint32_t Decoder::u32() {
  uint32_t hi = u16();
  return (hi << 16) | u16();
}

uint64_t Decoder::u64() {
  uint64_t hi = u32();
  return (hi << 32) | u32();
}

bool Decoder::boolean() {
  uint8_t v = u8();
  if (v > 1) throw ProtocolError("bad boolean " + std::to_string(v));
  return v == 1;
}

std::string Decoder::str() {
  uint32_t n = u32();
  need(n);
  std::string s = buf_.substr(pos_, n);
  pos_ += n;
  return s;
}

uint32_t Decoder::count(size_t minElementBytes) {
  uint32_t n = u32();
  if (minElementBytes > 0 && n > remaining() / minElementBytes) {
    throw ProtocolError("list of " + std::to_string(n) + " elements cannot fit in " +
                        std::to_string(remaining()) + " bytes");
  }
  return n;
}

void Decoder::expectEnd() const {
  if (remaining() != 0) throw ProtocolError(std::to_string(remaining()) + " trailing bytes");
}

std::string encodeFrame(const Frame &frame) {
  Encoder e;
  e.u32(static_cast<uint32_t>(kFrameHeaderBytes + frame.payload.size()));
  e.u8(kFrameMagic).u8(static_cast<uint8_t>(frame.kind)).u16(frame.method).u16(frame.status).u64(frame.id);
  std::string out = e.take();
  out.append(frame.payload);
  return out;
}

Frame decodeFrameBody(const std::string &body) {
  Decoder d(body);
  if (d.u8() != kFrameMagic) throw ProtocolError("bad frame magic");
  uint8_t kind = d.u8();
  if (kind > 1) throw ProtocolError("bad frame kind " + std::to_string(kind));
  Frame f;
  f.kind = static_cast<FrameKind>(kind);
  f.method = d.u16();
  f.status = d.u16();
  f.id = d.u64();
  f.payload = body.substr(kFrameHeaderBytes);
  return f;
}

uint32_t decodeLengthPrefix(const unsigned char p[4]) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace kvshard
