// Reads a file: block locations from the NameNode, block data from any replica, failing
// over between replicas and refreshing locations when all replicas of a block failed.
#pragma once

#include <string>

#include "common/config.h"
#include "wire/protocol.h"

namespace minidfs {

class DFSClient;

class DFSInputStream {
 public:
  DFSInputStream(DFSClient &client, const Config &cfg, std::string path)
      : client_(client), cfg_(cfg), path_(std::move(path)) {}

  Status readAll(std::string *out);

 private:
  Status readBlock(const LocatedBlock &lb, std::string *out);

  DFSClient &client_;
  const Config &cfg_;
  const std::string path_;
};

}  // namespace minidfs
