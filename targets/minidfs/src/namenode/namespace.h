// The file namespace: a flat map from absolute path to file inode. Directories are
// implicit in paths. Not thread-safe: callers hold the namesystem lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace minidfs {

struct INodeFile {
  std::string path;
  int replication = 0;
  std::vector<uint64_t> blocks;
  bool under_construction = true;
  std::string lease_holder;  // client writing the file while under construction
};

class Namespace {
 public:
  // Throws DfsError (kAlreadyExists unless overwrite, kBadRequest for invalid paths).
  // Returns the blocks of a replaced file so the caller can release them.
  std::vector<uint64_t> create(const std::string &path, int replication, const std::string &holder,
                               bool overwrite);
  INodeFile &get(const std::string &path);  // throws kNotFound
  INodeFile *find(const std::string &path);
  // Checks that `holder` owns the lease of the file under construction; throws
  // kLeaseExpired otherwise.
  INodeFile &getUnderConstruction(const std::string &path, const std::string &holder);
  std::vector<uint64_t> remove(const std::string &path);  // throws kNotFound
  std::vector<std::string> list(const std::string &prefix) const;
  size_t size() const { return files_.size(); }

 private:
  std::map<std::string, INodeFile> files_;
};

}  // namespace minidfs
