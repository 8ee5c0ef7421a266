// On-disk format of a csnake trace file (<node>-<pid>.cstrace).
//
// Shared by the writer inside libcsnake_rt (which must stay async-signal-safe, so this
// header is plain PODs and inline helpers, no allocation) and by the reader
// (csnake::TraceFile). Everything is little-endian, fixed-size and 8-byte aligned.
//
//   FileHeader                          fixed size, header_size bytes
//   body (body_size bytes) = sections:  SectionHeader, then `size` bytes of records
//
// FileHeader.checksum is FNV-1a 64 over the file from offset kChecksumFrom (pid onwards,
// i.e. the rest of the header and the whole body), so a truncated or corrupted file is
// detected and rejected rather than misread. Unknown section types are skipped by size:
// new sections can be added without a version bump; changing a record layout needs one.
#pragma once

#include <cstddef>
#include <cstdint>

namespace csnake::trace {

inline constexpr char kMagic[8] = {'C', 'S', 'N', 'K', 'T', 'R', 'C', '\0'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr const char *kFileSuffix = ".cstrace";

enum class FlushReason : uint32_t { Periodic = 1, Exit = 2, Signal = 3 };

inline const char *flushReasonName(uint32_t r) {
  switch (r) {
    case 1: return "periodic";
    case 2: return "exit";
    case 3: return "signal";
    default: return "unknown";
  }
}

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(FileHeader) of the writer
  uint64_t body_size;
  uint64_t checksum;  // FNV-1a 64 of bytes [kChecksumFrom, header_size + body_size)
  // ---- covered by the checksum from here on
  int32_t pid;
  int32_t ppid;
  uint64_t start_unix_ns;  // CLOCK_REALTIME when the runtime initialised
  uint64_t flush_ns;       // monotonic ns since start, when this file was written
  uint32_t flush_reason;   // FlushReason
  uint32_t flush_signal;   // signal number for FlushReason::Signal
  uint32_t abi_version;    // CSNAKE_ABI_VERSION of the runtime
  uint32_t flush_count;    // how many flushes this process did so far (incl. this one)
  char node[64];           // process default node name ("" = none)
  char exe[1024];          // /proc/self/exe at start-up
};
inline constexpr size_t kChecksumFrom = offsetof(FileHeader, pid);
static_assert(kChecksumFrom == 32, "layout");

enum class SectionType : uint32_t {
  Nodes = 1,    // NodeRecord[]
  Stats = 2,    // StatsRecord (one)
  Receipt = 3,  // ReceiptRecord (one)
  Events = 4,   // EventRecord[]
  Loops = 5,    // LoopRecord + HistBucket[n_buckets], variable length
  Paths = 6,    // PathRecord + PathPair[n_pairs], variable length
};

struct SectionHeader {
  uint32_t type;   // SectionType
  uint32_t count;  // number of records
  uint64_t size;   // bytes of records following this header
};

struct NodeRecord {
  uint32_t id;  // referenced by the `node` fields below; 0 = no node name set
  uint32_t reserved;
  char name[56];
};

struct StatsRecord {
  uint64_t modules_registered;
  uint64_t modules_rejected;  // wrong magic / ABI version
  uint64_t sites_registered;
  uint64_t events_dropped;          // event table full
  uint64_t loops_dropped;           // loop table full
  uint64_t paths_dropped;           // path table full
  uint64_t loop_stack_overflow;     // enters beyond the per-thread stack capacity
  uint64_t path_pair_overflow;      // iterations with more than kMaxPathPairs distinct pairs
  uint64_t iterations_sampled_out;  // iterations whose path was not recorded (sampling)
  uint64_t threads_untracked;       // threads that got no thread state (pool exhausted)
  uint64_t nodes_dropped;           // node name table full
  uint64_t reserved[5];
};

enum class PlanMode : uint32_t { None = 0, Once = 1, Always = 2, Probability = 3 };

inline const char *planModeName(uint32_t m) {
  switch (m) {
    case 1: return "once";
    case 2: return "always";
    case 3: return "p";
    default: return "none";
  }
}

struct ReceiptRecord {
  uint64_t fault;    // plan fault site id (0 = no plan)
  uint64_t context;  // plan context loop id (0 = any)
  uint32_t has_plan;
  uint32_t armed;          // the plan's site is registered in this process
  uint32_t fired;          // the fault was injected at least once
  uint32_t mode;           // PlanMode
  uint64_t fire_count;     // injections (for delay faults: delayed iterations)
  uint64_t first_fire_ns;  // monotonic ns since start of the first injection, 0 = never
  double probability;      // for PlanMode::Probability
  uint32_t delay_ms;
  int32_t errno_value;
  // Appended later: a reader takes min(section size, sizeof) bytes and zero-fills the
  // rest, so traces written before this field decode with skip 0.
  uint64_t skip;  // plan "skip": matching opportunities let pass first
};

// Per (site, context loop, call-site signature, node).
struct EventRecord {
  uint64_t site;
  uint64_t context;  // innermost active loop id when reached, 0 = none
  uint64_t callsig;  // 2-frame call-site signature of the site's function
  uint32_t node;
  uint32_t kind;      // csnake_site_kind if the site is registered, else 0
  uint64_t reach;     // the site was executed
  uint64_t occur;     // the fault side was taken (naturally or injected)
  uint64_t injected;  // ... of which injected by the plan
  uint64_t first_reach_ns;
  uint64_t first_occur_ns;  // 0 = never occurred
  int32_t last_errno;       // LIBCALL: errno of the last failure
  uint32_t reserved;
};

// Histogram of iterations per invocation: buckets 0..63 hold exactly that many
// iterations; bucket 64+k holds [2^(6+k), 2^(7+k)).
inline constexpr uint32_t kExactBuckets = 64;
inline constexpr uint32_t kHistBuckets = kExactBuckets + 58;

inline uint32_t histBucket(uint64_t iters) {
  if (iters < kExactBuckets) return static_cast<uint32_t>(iters);
  uint32_t log2 = 63u - static_cast<uint32_t>(__builtin_clzll(iters));
  return kExactBuckets + (log2 - 6);
}
inline uint64_t histBucketLow(uint32_t b) { return b < kExactBuckets ? b : (1ull << (6 + (b - kExactBuckets))); }

// Per (loop, call-site signature, node). Followed by n_buckets HistBucket (non-zero only).
struct LoopRecord {
  uint64_t loop;
  uint64_t callsig;
  uint64_t parent;  // innermost active loop when first entered, 0 = none
  uint32_t node;
  uint32_t n_buckets;
  uint64_t invocations;       // finished invocations (exit, re-entry or stale pop)
  uint64_t iterations;        // iterations of finished invocations
  uint64_t max_iterations;    // longest finished invocation
  uint64_t open_invocations;  // invocations still running at flush time (not in the above)
  uint64_t open_iterations;   // their iterations so far
};

struct HistBucket {
  uint32_t bucket;
  uint32_t reserved;
  uint64_t count;
};

// Path decision values.
enum class PathValue : uint32_t { False = 0, True = 1, Event = 2 };

inline constexpr uint32_t kMaxPathPairs = 32;

// Per (loop, call-site signature, path signature, node). Followed by n_pairs PathPair,
// sorted by (site, value).
struct PathRecord {
  uint64_t loop;
  uint64_t callsig;
  uint64_t pathsig;
  uint32_t node;
  uint16_t n_pairs;
  uint16_t overflow;  // the iteration had more than kMaxPathPairs distinct pairs
  uint64_t count;     // sampled iterations that took this path (see docs: sampling)
};

struct PathPair {
  uint64_t site;
  uint32_t value;  // PathValue
  uint32_t reserved;
};

// ---- hashing -------------------------------------------------------------------------

inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
inline constexpr uint64_t kFnvPrime = 0x100000001b3ull;

inline uint64_t fnv1a64(const void *data, size_t n, uint64_t h = kFnvOffset) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= kFnvPrime;
  }
  return h;
}

// Finaliser of MurmurHash3: a strong, cheap 64-bit mix.
inline uint64_t mix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

inline uint64_t combine(uint64_t a, uint64_t b) { return mix64(a * 0x9e3779b97f4a7c15ull + b); }

// Path signature: order-insensitive over a deduplicated set of pairs. Each pair is mixed
// on its own and the results are summed, so the signature equals a hash of the sorted set
// without sorting on the hot path.
inline uint64_t pathPairHash(uint64_t site, uint32_t value) { return mix64(site ^ mix64(value + 1)); }
inline uint64_t pathSignature(uint64_t pairSum, uint32_t nPairs) {
  return mix64(pairSum + 0x51ed27a5u * (uint64_t)nPairs) | 1;  // never 0
}

}  // namespace csnake::trace
