// Key placement and batch checksums.
#pragma once

#include <cstdint>
#include <string>

namespace kvshard {

// FNV-1a 64 of the key.
uint64_t keyHash(const std::string &key);
// The shard a key lives in: keyHash(key) mod numShards.
uint32_t shardFor(const std::string &key, int numShards);
// CRC-32 (IEEE) used to protect handoff batches.
uint32_t crc32(const std::string &data, uint32_t seed = 0);

}  // namespace kvshard
