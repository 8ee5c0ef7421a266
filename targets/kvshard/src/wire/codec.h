// Byte-level encoding of messages and the length-prefixed frame around them.
//
// Frame (integers big-endian):
//   u32 length    bytes after this field (header rest + payload)
//   u8  magic     0x4B ('K')
//   u8  kind      0 = request, 1 = response
//   u16 method
//   u16 status    Code of a response, 0 in requests
//   u64 id        request id, echoed by the response
//   payload
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kvshard {

constexpr uint8_t kFrameMagic = 0x4B;
constexpr size_t kFrameHeaderBytes = 14;  // after the length prefix

enum class FrameKind : uint8_t { kRequest = 0, kResponse = 1 };

struct Frame {
  FrameKind kind = FrameKind::kRequest;
  uint16_t method = 0;
  uint16_t status = 0;
  uint64_t id = 0;
  std::string payload;
};

// The whole frame, length prefix included.
std::string encodeFrame(const Frame &frame);
// Parses everything after the length prefix; throws ProtocolError.
Frame decodeFrameBody(const std::string &body);
// Reads a big-endian u32 length prefix.
uint32_t decodeLengthPrefix(const unsigned char prefix[4]);

class Encoder {
 public:
  Encoder &u8(uint8_t v);
  Encoder &u16(uint16_t v);
  Encoder &u32(uint32_t v);
  Encoder &u64(uint64_t v);
  Encoder &boolean(bool v) { return u8(v ? 1 : 0); }
  Encoder &str(const std::string &s);
  const std::string &bytes() const { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

// Bounds-checked reader for what Encoder wrote; any overrun throws ProtocolError.
class Decoder {
 public:
  explicit Decoder(const std::string &buf) : buf_(buf) {}
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  bool boolean();
  std::string str();
  // A list length, rejected when the remaining bytes cannot hold that many elements.
  uint32_t count(size_t minElementBytes);
  void expectEnd() const;
  size_t remaining() const { return buf_.size() - pos_; }

 private:
  void need(size_t n) const;
  const std::string &buf_;
  size_t pos_ = 0;
};

}  // namespace kvshard
