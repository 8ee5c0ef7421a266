// The data of one storage node: per shard an in-memory map plus ownership (owned flag,
// epoch, and where the shard went when it was handed off), backed by a write-ahead log.
// One mutex guards the maps; the WAL append happens under it so log order is apply order.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/wal.h"
#include "wire/protocol.h"

namespace kvshard {

struct StoredValue {
  std::string value;
  uint64_t version = 0;  // epoch under which it was written
};

class ShardStore {
 public:
  explicit ShardStore(int numShards);

  // Opens the WAL and replays it into the maps (ownership is not logged: it comes from
  // the coordinator).
  Status open(const std::string &walPath, bool fsync);
  int numShards() const { return static_cast<int>(shards_.size()); }

  bool owns(uint32_t shard) const;
  uint64_t epoch(uint32_t shard) const;
  OwnerHint ownerHint(uint32_t shard) const;
  // Throws WrongOwnerError unless the shard is owned here at an epoch >= the caller's,
  // StaleEpochError when the caller knows a newer epoch than this node.
  void checkOwner(uint32_t shard, uint64_t callerEpoch) const;

  bool get(uint32_t shard, const std::string &key, std::string *value) const;
  // Both append to the WAL first; IoError (nothing applied) when the append fails.
  void put(uint32_t shard, const std::string &key, const std::string &value);
  void remove(uint32_t shard, const std::string &key);
  // Handoff receiver: entries newer than (or absent from) the local copy win.
  size_t merge(uint32_t shard, const std::vector<BatchEntry> &entries);
  // One entry: logged, then applied if newer than (or absent from) the local copy; false
  // when the local copy is at least as new.
  bool mergeEntry(uint32_t shard, const BatchEntry &entry);
  // The same without logging it (a best-effort handoff whose log write failed).
  bool mergeEntryUnlogged(uint32_t shard, const BatchEntry &entry);
  // Test knob: the next `n` log writes fail (a full or failing disk).
  void failNextLogWrites(int n) { wal_.failNextAppends(n); }

  // Takes ownership (at least `epoch`); clears any handoff hint.
  void adopt(uint32_t shard, uint64_t epoch);
  // Stops serving the shard; requests are redirected to `target` from now on.
  void markLeaving(uint32_t shard, const NodeAddress &target, uint64_t targetEpoch);
  // The shard's entries, sorted by key, for streaming.
  std::vector<BatchEntry> snapshot(uint32_t shard) const;
  // Forgets the shard's data (logged, so a replay does not resurrect it).
  void drop(uint32_t shard);

  std::vector<ShardAssignment> ownedShards() const;
  size_t keyCount(uint32_t shard) const;
  size_t totalKeys() const;
  uint64_t walErrors() const { return wal_.errors(); }
  uint64_t walAppends() const { return wal_.appends(); }

 private:
  struct Shard {
    std::map<std::string, StoredValue> data;
    bool owned = false;
    uint64_t epoch = 0;
    OwnerHint moved_to;  // set by markLeaving
  };
  enum class Op : uint8_t { kPut = 1, kDelete = 2, kBatch = 3, kDrop = 4 };

  const Shard &at(uint32_t shard) const;
  Shard &at(uint32_t shard);
  void applyRecord(const std::string &body);
  static size_t mergeInto(Shard &s, const std::vector<BatchEntry> &entries);

  mutable std::mutex mu_;
  std::vector<Shard> shards_;
  WriteAheadLog wal_;
};

}  // namespace kvshard
