// Reader/decoder of csnake trace files (format: csnake/trace_format.h).
// Used by `csnake trace` and by the analyzer. Every problem is a TraceError whose what()
// is a single line "FILE: problem".
#pragma once

#include <csnake/trace_format.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace csnake {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceLoop {
  trace::LoopRecord rec;
  std::vector<trace::HistBucket> histogram;  // non-zero buckets, ascending
};

struct TracePath {
  trace::PathRecord rec;
  std::vector<trace::PathPair> pairs;  // sorted by (site, value)
};

class TraceFile {
 public:
  // Reads and validates PATH; throws TraceError("PATH: problem").
  static TraceFile read(const std::string &path);
  // Decodes an in-memory image; `name` is used in error messages.
  static TraceFile decode(const std::string &name, const void *data, size_t size);

  std::string path;
  trace::FileHeader header{};
  std::map<uint32_t, std::string> nodes;  // per-file node ids
  trace::StatsRecord stats{};
  bool hasReceipt = false;
  trace::ReceiptRecord receipt{};
  std::vector<trace::EventRecord> events;
  std::vector<TraceLoop> loops;
  std::vector<TracePath> paths;

  // Name of a node id of this file ("" for 0 / unknown).
  std::string nodeName(uint32_t id) const;
  std::string processNode() const;  // header.node
  std::string exe() const;          // header.exe
};

class TraceDirectory {
 public:
  // Reads every *.cstrace in DIR, sorted by file name. Throws TraceError for an
  // unreadable directory, a directory without traces, or the first bad file.
  static TraceDirectory read(const std::string &dir);
  // Lists the *.cstrace files of DIR, sorted (no decoding).
  static std::vector<std::string> list(const std::string &dir);

  std::string dir;
  std::vector<TraceFile> files;
};

}  // namespace csnake
