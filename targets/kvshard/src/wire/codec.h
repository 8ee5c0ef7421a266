// kvshard wire encoding.
//
// Message bodies are a flat sequence of fields written by Writer and read back, in the
// same order, by Reader:
//   unsigned integers   LEB128 varint (7 bits per byte, low group first, high bit = more)
//   signed integers     zigzag, then varint
//   flags               one byte, 0 or 1
//   blobs / strings     varint byte count, then the bytes
//   lists               varint element count, then the elements
// Fixed-width big-endian integers (Writer::fixed / Reader::fixed) are kept for the places
// that need a known size up front: the frame header and the WAL record header.
//
// Frame:
//   be32 length    bytes after this field (header rest + payload)
//   u8   magic     0x4B ('K')
//   u8   kind      0 = request, 1 = response
//   be16 method
//   be16 status    Code of a response, 0 in requests
//   be64 id        request id, echoed by the response
//   payload
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

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

// Append-only builder of a message body.
class Writer {
 public:
  Writer &varint(uint64_t v);
  Writer &zigzag(int64_t v);
  Writer &flag(bool v);
  Writer &byte(uint8_t v) {
    out_ += static_cast<char>(v);
    return *this;
  }
  Writer &blob(const std::string &s);
  // Bytes as they are, no length: only for what the reader can delimit by itself.
  Writer &raw(const std::string &s) {
    out_ += s;
    return *this;
  }
  const std::string &buffer() const { return out_; }
  std::string release() { return std::move(out_); }
  size_t size() const { return out_.size(); }

  // Big-endian, all sizeof(T) bytes.
  template <class T>
  Writer &fixed(T v) {
    static_assert(std::is_unsigned<T>::value, "fixed() takes unsigned integers");
    for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8) {
      out_ += static_cast<char>(static_cast<uint8_t>(v >> shift));
    }
    return *this;
  }

 private:
  std::string out_;
};

// Cursor over a body produced by Writer. Every read is bounds-checked: running off the
// end, an over-long varint, or a value too large for its field throws ProtocolError.
class Reader {
 public:
  explicit Reader(const std::string &in) : begin_(in.data()), cur_(in.data()), end_(in.data() + in.size()) {}

  uint64_t varint();
  uint32_t varint32() { return narrow<uint32_t>(varint()); }
  uint16_t varint16() { return narrow<uint16_t>(varint()); }
  int64_t zigzag();
  bool flag();
  uint8_t byte();
  std::string blob();
  template <class T>
  T fixed() {
    static_assert(std::is_unsigned<T>::value, "fixed() reads unsigned integers");
    ensure(sizeof(T));
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | static_cast<uint8_t>(*cur_++));
    return v;
  }
  // An element count; every element takes at least minEncodedBytes, so a count the
  // unread bytes cannot hold is rejected before anything is allocated for it.
  size_t listSize(size_t minEncodedBytes);
  // Throws unless every byte has been consumed.
  void requireEnd() const;
  size_t left() const { return static_cast<size_t>(end_ - cur_); }
  size_t consumed() const { return static_cast<size_t>(cur_ - begin_); }

 private:
  void ensure(size_t n) const;
  template <class T>
  T narrow(uint64_t v) const {
    if (v > static_cast<uint64_t>(static_cast<T>(~T(0)))) throw ProtocolError("varint " + std::to_string(v) + " out of range");
    return static_cast<T>(v);
  }

  const char *begin_;
  const char *cur_;
  const char *end_;
};

// --- Frames (layout at the top of this file) ---------------------------------------------

// The whole frame, length prefix included.
std::string encodeFrame(const Frame &frame);
// Parses everything after the length prefix; throws ProtocolError.
Frame decodeFrameBody(const std::string &body);
// Reads a big-endian u32 (the frame length prefix, the WAL record header words).
uint32_t decodeLengthPrefix(const unsigned char prefix[4]);

}  // namespace kvshard
