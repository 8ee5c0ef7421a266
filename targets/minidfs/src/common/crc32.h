#pragma once

#include <cstddef>
#include <cstdint>

namespace minidfs {

// CRC-32 (IEEE 802.3), used for replica chunk checksums.
uint32_t crc32(const void *data, size_t len);

}  // namespace minidfs
