// Replica storage of a DataNode: one data file per replica (blk_<id>) and a meta file
// (blk_<id>.meta) with the generation stamp, the length and one CRC per chunk, written
// when the replica is finalized. Replicas being written (RBW) have no meta file and are
// discarded on restart.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "wire/protocol.h"

namespace minidfs {

enum class ReplicaState { kRbw, kFinalized };

struct ReplicaInfo {
  Block block;  // num_bytes: bytes on disk
  ReplicaState state = ReplicaState::kRbw;
};

class BlockStore {
 public:
  BlockStore(std::string dir, size_t chunkSize);
  ~BlockStore();

  // Creates the directory if needed and loads the finalized replicas found in it.
  Status init();
  // Opens a replica for writing. A finalized replica of the same generation is reopened
  // with its data kept (a retransmission after pipeline recovery); anything else starts
  // empty. Returns the bytes already on disk.
  Status openForWrite(const Block &block, uint64_t *bytesOnDisk);
  // Writes at `offset` of an open replica. Throws IoError when the disk refuses.
  void writeAt(uint64_t id, uint64_t offset, const std::string &data);
  // Syncs the data, computes chunk checksums and writes the meta file.
  Status finalize(uint64_t id, Block *finalized);
  // Reads [offset, offset+len) of a finalized replica, verifying every chunk it touches.
  // Throws ChecksumError on a mismatch and IoError when the data cannot be read.
  std::string read(uint64_t id, uint64_t offset, size_t len);
  bool get(uint64_t id, ReplicaInfo *out) const;
  bool remove(uint64_t id);
  std::vector<Block> finalizedBlocks() const;
  size_t size() const;
  std::string dataPath(uint64_t id) const;

 private:
  struct Replica {
    ReplicaInfo info;
    int fd = -1;                  // open while RBW
    std::vector<uint32_t> crcs;   // per chunk, once finalized
  };
  std::string metaPath(uint64_t id) const;
  Status loadReplica(uint64_t id);
  Status writeMeta(uint64_t id, const Replica &r);

  const std::string dir_;
  const size_t chunk_size_;
  mutable std::mutex mu_;
  std::map<uint64_t, Replica> replicas_;
};

}  // namespace minidfs
