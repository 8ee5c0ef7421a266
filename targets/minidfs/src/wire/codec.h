// Binary encoding of messages and the length-prefixed frame that carries them.
//
// Frame layout (all integers big-endian):
//   u32 length   bytes that follow (header rest + payload)
//   u16 type     RPC method, data-transfer op, or packet kind
//   u16 status   Code of a response; 0 in requests
//   u64 id       call id (RPC) or packet sequence number (data transfer)
//   payload      message encoded with Encoder
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace minidfs {

constexpr size_t kFrameHeaderBytes = 12;  // type + status + id, after the length prefix

struct Frame {
  uint16_t type = 0;
  uint16_t status = 0;
  uint64_t id = 0;
  std::string payload;
};

// Serialises a frame including its length prefix.
std::string encodeFrame(const Frame &frame);
// Parses a frame body (everything after the length prefix). Throws ProtocolError.
Frame decodeFrameBody(const std::string &body);

class Encoder {
 public:
  Encoder &u8(uint8_t v);
  Encoder &u16(uint16_t v);
  Encoder &u32(uint32_t v);
  Encoder &u64(uint64_t v);
  Encoder &i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  Encoder &boolean(bool v) { return u8(v ? 1 : 0); }
  Encoder &str(const std::string &s);
  const std::string &data() const { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

// Reads what Encoder wrote. Every accessor checks bounds and throws ProtocolError on a
// short or inconsistent buffer, so a garbage frame can never read past its end.
class Decoder {
 public:
  explicit Decoder(const std::string &buf) : buf_(buf) {}
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  int64_t i64() { return static_cast<int64_t>(u64()); }
  bool boolean();
  std::string str();
  // Element count of a following list; rejects counts the remaining bytes cannot hold.
  uint32_t count(size_t minElementBytes);
  void expectEnd() const;
  size_t remaining() const { return buf_.size() - pos_; }

 private:
  void need(size_t n) const;
  const std::string &buf_;
  size_t pos_ = 0;
};

}  // namespace minidfs
