#include "storage/shard_store.h"

namespace kvshard {

ShardStore::ShardStore(int numShards) : shards_(static_cast<size_t>(numShards > 0 ? numShards : 1)) {}

const ShardStore::Shard &ShardStore::at(uint32_t shard) const {
  if (shard >= shards_.size()) throw NotFoundError("no shard " + std::to_string(shard));
  return shards_[shard];
}

ShardStore::Shard &ShardStore::at(uint32_t shard) {
  if (shard >= shards_.size()) throw NotFoundError("no shard " + std::to_string(shard));
  return shards_[shard];
}

Status ShardStore::open(const std::string &walPath, bool fsync) {
  std::lock_guard<std::mutex> lk(mu_);
  Status st = wal_.open(walPath, fsync);
  if (!st.ok()) return st;
  return wal_.replay([this](const std::string &body) { applyRecord(body); });
}

void ShardStore::applyRecord(const std::string &body) {
  try {
    Reader r(body);
    Op op = static_cast<Op>(r.byte());
    uint32_t shard = r.varint32();
    if (shard >= shards_.size()) return;
    Shard &s = shards_[shard];
    switch (op) {
      case Op::kPut: {
        uint64_t version = r.varint();
        std::string key = r.blob();
        s.data[key] = StoredValue{r.blob(), version};
        break;
      }
      case Op::kDelete:
        s.data.erase(r.blob());
        break;
      case Op::kBatch: {
        std::vector<BatchEntry> entries(r.listSize(3));
        for (BatchEntry &e : entries) {
          e.key = r.blob();
          e.value = r.blob();
          e.version = r.varint();
        }
        mergeInto(s, entries);
        break;
      }
      case Op::kDrop:
        s.data.clear();
        break;
    }
  } catch (const ProtocolError &) {
    // A record that passed its CRC but does not decode was written by another version.
  }
}

bool ShardStore::owns(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  return at(shard).owned;
}

uint64_t ShardStore::epoch(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  return at(shard).epoch;
}

OwnerHint ShardStore::ownerHint(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  return at(shard).moved_to;
}

// Ownership validation of every client request.
void ShardStore::checkOwner(uint32_t shard, uint64_t callerEpoch) const {
  std::lock_guard<std::mutex> lk(mu_);
  const Shard &s = at(shard);
  if (!s.owned || callerEpoch < s.epoch) {
    OwnerHint hint = s.moved_to;
    if (s.owned) hint = OwnerHint{NodeAddress{}, s.epoch};  // owned here, newer epoch
    throw WrongOwnerError(shard, hint);
  }
  if (callerEpoch > s.epoch) throw StaleEpochError(shard, s.epoch, callerEpoch);
}

bool ShardStore::get(uint32_t shard, const std::string &key, std::string *value) const {
  std::lock_guard<std::mutex> lk(mu_);
  const Shard &s = at(shard);
  auto it = s.data.find(key);
  if (it == s.data.end()) return false;
  *value = it->second.value;
  return true;
}

void ShardStore::put(uint32_t shard, const std::string &key, const std::string &value) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  Writer w;
  w.byte(static_cast<uint8_t>(Op::kPut)).varint(shard).varint(s.epoch).blob(key).blob(value);
  wal_.append(w.buffer());
  s.data[key] = StoredValue{value, s.epoch};
}

void ShardStore::remove(uint32_t shard, const std::string &key) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  Writer w;
  w.byte(static_cast<uint8_t>(Op::kDelete)).varint(shard).blob(key);
  wal_.append(w.buffer());
  s.data.erase(key);
}

size_t ShardStore::mergeInto(Shard &s, const std::vector<BatchEntry> &entries) {
  size_t applied = 0;
  for (const BatchEntry &e : entries) {
    auto it = s.data.find(e.key);
    if (it == s.data.end() || it->second.version < e.version) {
      s.data[e.key] = StoredValue{e.value, e.version};
      ++applied;
    }
  }
  return applied;
}

size_t ShardStore::merge(uint32_t shard, const std::vector<BatchEntry> &entries) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  Writer w;
  w.byte(static_cast<uint8_t>(Op::kBatch)).varint(shard).varint(entries.size());
  for (const BatchEntry &b : entries) w.blob(b.key).blob(b.value).varint(b.version);
  wal_.append(w.buffer());
  return mergeInto(s, entries);
}

bool ShardStore::mergeEntry(uint32_t shard, const BatchEntry &entry) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  Writer w;
  w.byte(static_cast<uint8_t>(Op::kBatch)).varint(shard).varint(1).blob(entry.key).blob(entry.value).varint(entry.version);
  wal_.append(w.buffer());
  return mergeInto(s, {entry}) == 1;
}

bool ShardStore::mergeEntryUnlogged(uint32_t shard, const BatchEntry &entry) {
  std::lock_guard<std::mutex> lk(mu_);
  return mergeInto(at(shard), {entry}) == 1;
}

void ShardStore::adopt(uint32_t shard, uint64_t epoch) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  s.owned = true;
  if (epoch > s.epoch) s.epoch = epoch;
  s.moved_to = OwnerHint{};
}

void ShardStore::markLeaving(uint32_t shard, const NodeAddress &target, uint64_t targetEpoch) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  s.owned = false;
  s.moved_to = OwnerHint{target, targetEpoch};
}

std::vector<BatchEntry> ShardStore::snapshot(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<BatchEntry> out;
  for (const auto &kv : at(shard).data) out.push_back(BatchEntry{kv.first, kv.second.value, kv.second.version});
  return out;
}

void ShardStore::drop(uint32_t shard) {
  std::lock_guard<std::mutex> lk(mu_);
  Shard &s = at(shard);
  Writer w;
  w.byte(static_cast<uint8_t>(Op::kDrop)).varint(shard);
  s.data.clear();
  s.owned = false;
  wal_.append(w.buffer());
}

std::vector<ShardAssignment> ShardStore::ownedShards() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<ShardAssignment> out;
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (shards_[i].owned) out.push_back(ShardAssignment{static_cast<uint32_t>(i), shards_[i].epoch});
  }
  return out;
}

size_t ShardStore::keyCount(uint32_t shard) const {
  std::lock_guard<std::mutex> lk(mu_);
  return at(shard).data.size();
}

size_t ShardStore::totalKeys() const {
  std::lock_guard<std::mutex> lk(mu_);
  size_t n = 0;
  for (const Shard &s : shards_) n += s.data.size();
  return n;
}

}  // namespace kvshard
