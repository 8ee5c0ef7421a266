// TraceTables: the recorded data, in fixed-capacity lock-free open-addressing hash tables
// (a slot is claimed by CAS on its 64-bit key, its identity fields are written once by the
// claimer and published with `ready`; counters are relaxed atomics). A full table counts
// the record as dropped. No locks, no allocation.
#pragma once

#include "thread_state.h"

namespace csnake::rt {

struct EventSlot {
  std::atomic<uint64_t> key{0};
  std::atomic<uint32_t> ready{0};
  uint32_t node = 0, kind = 0;
  uint64_t site = 0, context = 0, callsig = 0;
  std::atomic<uint64_t> reach{0}, occur{0}, injected{0}, firstReach{0}, firstOccur{0};
  std::atomic<int32_t> lastErrno{0};
};

struct LoopSlot {
  std::atomic<uint64_t> key{0};
  std::atomic<uint32_t> ready{0};
  uint32_t node = 0;
  uint64_t loop = 0, callsig = 0, parent = 0;
  std::atomic<uint64_t> invocations{0}, iterations{0}, maxIterations{0};
  std::atomic<uint64_t> hist[trace::kHistBuckets];
};

struct PathSlot {
  std::atomic<uint64_t> key{0};
  std::atomic<uint32_t> ready{0};
  uint32_t node = 0;
  uint64_t loop = 0, callsig = 0, pathsig = 0;
  uint16_t nPairs = 0, overflow = 0;
  std::atomic<uint64_t> count{0};
  trace::PathPair pairs[trace::kMaxPathPairs];
};

template <typename Slot, uint32_t N>
struct Table {
  static_assert((N & (N - 1)) == 0, "power of two");
  Slot slots[N];
  // Returns the slot index of KEY (claimed if new; `claimed` tells) or kNoSlot when full.
  uint32_t findOrClaim(uint64_t key, bool &claimed) {
    claimed = false;
    key = key ? key : 1;
    for (uint32_t i = 0; i < kMaxProbe; ++i) {
      uint32_t idx = uint32_t(key + i) & (N - 1);
      Slot &s = slots[idx];
      uint64_t k = s.key.load(std::memory_order_acquire);
      if (k == key) return idx;
      if (k == 0) {
        if (s.key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) {
          claimed = true;
          return idx;
        }
        if (k == key) return idx;
      }
    }
    return kNoSlot;
  }
  void reset();  // fork child: clears claimed slots only (untouched pages stay untouched)
};

using EventTable = Table<EventSlot, kEventCapacity>;
using LoopTable = Table<LoopSlot, kLoopCapacity>;
using PathTable = Table<PathSlot, kPathCapacity>;

EventTable &eventTable();
LoopTable &loopTable();
PathTable &pathTable();
void resetTables();

// ---- recording API used by the hooks ----

// A fault site was reached (`reach`) and/or its fault side taken (`occur`: a throw, an
// error branch, a failed call), `injected` by the plan; `err` = errno of a failure.
void recordEvent(uint64_t site, uint64_t context, uint64_t callsig, uint32_t node, uint32_t kind, bool reach,
                 bool occur, bool injected, int err);
// Slot of (loop, callsig, node), claimed with `parent` if new; kNoSlot when full.
uint32_t loopSlot(uint64_t loop, uint64_t callsig, uint32_t node, uint64_t parent);
void recordInvocation(uint32_t slot, uint64_t iterations);
// Key of (L's loop, callsig, node, pathsig) in the path table.
inline uint64_t pathKey(const LoopEntry &l, uint64_t pathsig) {
  return combine(combine(combine(combine(l.id, l.callsig), l.node), pathsig), 0x70617468);
}
// Finds or claims the slot of L's current iteration path (KEY = pathKey(L, pathsig)),
// filling the pairs when claimed; counts the iteration when `count` or newly claimed.
// Returns the slot or kNoSlot when the table is full (counted as dropped).
uint32_t recordPath(const LoopEntry &l, uint64_t pathsig, uint64_t key, bool count, bool &claimed);

}  // namespace csnake::rt
