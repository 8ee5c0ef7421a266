// Writes a file block by block. Each block goes through a pipeline of DataNodes chosen by
// the NameNode; a failed pipeline is recovered according to Config::fast_failover.
// A stream must not outlive the DFSClient that created it.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "wire/protocol.h"

namespace minidfs {

class DFSClient;

class DFSOutputStream {
 public:
  DFSOutputStream(DFSClient &client, const Config &cfg, std::string path);
  ~DFSOutputStream();
  DFSOutputStream(const DFSOutputStream &) = delete;
  DFSOutputStream &operator=(const DFSOutputStream &) = delete;

  // Buffers data and ships every block that fills up.
  Status write(const std::string &data);
  // Ships the last partial block and waits until the NameNode can close the file.
  Status close();

 private:
  Status writeBlock(const std::string &data);

  DFSClient &client_;
  const Config cfg_;
  const std::string path_;
  std::string buffer_;
  Block previous_;                      // last block shipped, with its final length
  std::vector<std::string> excluded_;   // DataNodes that failed this stream
  bool closed_ = false;
};

}  // namespace minidfs
