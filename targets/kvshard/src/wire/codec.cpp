#include "wire/codec.h"

namespace kvshard {

namespace {

constexpr unsigned kMaxVarintBytes = 10;  // ceil(64 / 7)

}  // namespace

// --- Writer -------------------------------------------------------------------------------

Writer &Writer::varint(uint64_t v) {
  while (v >= 0x80) {
    out_ += static_cast<char>(static_cast<uint8_t>(v) | 0x80);
    v >>= 7;
  }
  out_ += static_cast<char>(v);
  return *this;
}

Writer &Writer::zigzag(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  return varint((u << 1) ^ (v < 0 ? ~uint64_t(0) : 0));
}

Writer &Writer::flag(bool v) { return byte(v ? 1 : 0); }

Writer &Writer::blob(const std::string &s) { return varint(s.size()).raw(s); }

// --- Reader -------------------------------------------------------------------------------

void Reader::ensure(size_t n) const {
  if (n <= left()) return;
  throw ProtocolError("message ends early: " + std::to_string(n) + " more bytes wanted at offset " +
                      std::to_string(consumed()) + ", " + std::to_string(left()) + " left");
}

uint64_t Reader::varint() {
  uint64_t v = 0;
  for (unsigned i = 0; i < kMaxVarintBytes; ++i) {
    uint8_t b = byte();
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return v;
  }
  throw ProtocolError("varint longer than " + std::to_string(kMaxVarintBytes) + " bytes");
}

int64_t Reader::zigzag() {
  uint64_t u = varint();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

uint8_t Reader::byte() {
  ensure(1);
  return static_cast<uint8_t>(*cur_++);
}

bool Reader::flag() {
  switch (byte()) {
    case 0: return false;
    case 1: return true;
    default: throw ProtocolError("flag byte is neither 0 nor 1");
  }
}

std::string Reader::blob() {
  uint64_t n = varint();
  ensure(n);
  std::string s(cur_, static_cast<size_t>(n));
  cur_ += n;
  return s;
}

size_t Reader::listSize(size_t minEncodedBytes) {
  uint64_t n = varint();
  size_t per = minEncodedBytes == 0 ? 1 : minEncodedBytes;
  if (n > left() / per) {
    throw ProtocolError("list claims " + std::to_string(n) + " elements but only " + std::to_string(left()) +
                        " bytes follow");
  }
  return static_cast<size_t>(n);
}

void Reader::requireEnd() const {
  if (left() == 0) return;
  throw ProtocolError("unexpected " + std::to_string(left()) + " bytes after the message");
}

// --- Frames -------------------------------------------------------------------------------

std::string encodeFrame(const Frame &frame) {
  Writer w;
  w.fixed(static_cast<uint32_t>(kFrameHeaderBytes + frame.payload.size()))
      .byte(kFrameMagic)
      .byte(static_cast<uint8_t>(frame.kind))
      .fixed(frame.method)
      .fixed(frame.status)
      .fixed(frame.id)
      .raw(frame.payload);
  return w.release();
}

Frame decodeFrameBody(const std::string &body) {
  Reader r(body);
  if (r.byte() != kFrameMagic) throw ProtocolError("frame does not start with the kvshard magic");
  Frame f;
  switch (r.byte()) {
    case 0: f.kind = FrameKind::kRequest; break;
    case 1: f.kind = FrameKind::kResponse; break;
    default: throw ProtocolError("frame kind is neither request nor response");
  }
  f.method = r.fixed<uint16_t>();
  f.status = r.fixed<uint16_t>();
  f.id = r.fixed<uint64_t>();
  f.payload.assign(body, r.consumed(), std::string::npos);
  return f;
}

uint32_t decodeLengthPrefix(const unsigned char prefix[4]) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | prefix[i];
  return v;
}

}  // namespace kvshard
