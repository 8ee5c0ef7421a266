// Client library: namespace operations through the NameNode, file writes through
// DFSOutputStream, reads through DFSInputStream, and the lease renewer that keeps files
// open for writing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "rpc/rpc_client.h"
#include "wire/protocol.h"

namespace minidfs {

class DFSOutputStream;

struct ClientStats {
  uint64_t pipeline_recoveries = 0;
  uint64_t read_failovers = 0;
  uint64_t complete_retries = 0;
  uint64_t rpc_retries = 0;
  uint64_t lease_renewals = 0;
  uint64_t failed_renewals = 0;
};

class DFSClient {
 public:
  DFSClient(const Config &cfg, std::string nnHost, uint16_t nnPort, std::string name);
  ~DFSClient();
  DFSClient(const DFSClient &) = delete;
  DFSClient &operator=(const DFSClient &) = delete;

  const std::string &name() const { return name_; }
  const Config &config() const { return cfg_; }

  // replication 0 = the NameNode's default.
  Status create(const std::string &path, int replication, bool overwrite, std::unique_ptr<DFSOutputStream> *out);
  Status writeFile(const std::string &path, const std::string &data, int replication = 0);
  Status readFile(const std::string &path, std::string *out);
  Status getBlockLocations(const std::string &path, FileLocations *out);
  Status remove(const std::string &path);
  Status list(const std::string &prefix, std::vector<std::string> *out);
  Status datanodeReport(std::vector<DatanodeStatus> *out);
  // Drops the client as if its process died: no more lease renewals, open files are
  // left to the NameNode's lease recovery.
  void abort();
  ClientStats stats() const;

  // Used by the streams.
  Status addBlock(const std::string &path, const Block &previous, const std::vector<std::string> &excluded,
                  LocatedBlock *out);
  Status abandonBlock(const std::string &path, uint64_t blockId);
  Status complete(const std::string &path, const Block &last, bool *done);
  Status reportBadBlock(uint64_t blockId, const std::string &dnId);
  void fileOpened();
  void fileClosed();
  void countPipelineRecovery() { ++pipeline_recoveries_; }
  void countReadFailover() { ++read_failovers_; }
  void countCompleteRetry() { ++complete_retries_; }

 private:
  void leaseRenewerLoop();

  const Config cfg_;
  const std::string name_;
  RpcClient rpc_;

  std::mutex mu_;
  std::condition_variable cv_;
  int open_files_ = 0;
  bool closing_ = false;
  std::thread renewer_;
  std::atomic<uint64_t> pipeline_recoveries_{0}, read_failovers_{0}, complete_retries_{0}, lease_renewals_{0},
      failed_renewals_{0};
};

}  // namespace minidfs
