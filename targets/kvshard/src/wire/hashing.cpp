#include "wire/hashing.h"

#include <array>

namespace kvshard {

uint64_t keyHash(const std::string &key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint32_t shardFor(const std::string &key, int numShards) {
  if (numShards <= 0) return 0;
  return static_cast<uint32_t>(keyHash(key) % static_cast<uint64_t>(numShards));
}

namespace {

std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

}  // namespace

uint32_t crc32(const std::string &data, uint32_t seed) {
  static const std::array<uint32_t, 256> table = makeCrcTable();
  uint32_t c = seed ^ 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace kvshard
