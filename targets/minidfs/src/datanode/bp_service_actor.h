// The DataNode's conversation with the NameNode: registration, heartbeats (whose
// responses carry commands), full and incremental block reports. One thread runs it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/config.h"
#include "rpc/rpc_client.h"
#include "wire/protocol.h"

namespace minidfs {

class DataNode;

struct ActorStats {
  uint64_t heartbeats = 0;
  uint64_t failed_heartbeats = 0;
  uint64_t registrations = 0;
  uint64_t full_reports = 0;
  uint64_t incremental_reports = 0;
  uint64_t commands = 0;
  uint64_t failed_transfers = 0;
};

class BPServiceActor {
 public:
  BPServiceActor(DataNode &dn, const Config &cfg, const std::string &nnHost, uint16_t nnPort);
  ~BPServiceActor();

  void start();
  void stop();
  // A replica was finalized / deleted: tell the NameNode with the next incremental report.
  void queueReceived(const Block &block);
  void queueDeleted(uint64_t id);
  // Out-of-band report of a replica that failed verification on this node.
  void reportBadReplica(uint64_t id);
  ActorStats stats() const;

 private:
  void run();
  bool running() const;
  void waitUntil(Clock::time_point deadline);
  Status registerWithNameNode();
  Status sendHeartbeat(HeartbeatResponse *resp);
  Status sendFullReport();
  Status sendIncrementalReport();
  void processCommands(const std::vector<Command> &cmds);

  DataNode &dn_;
  const Config cfg_;
  RpcClient nn_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  std::vector<Block> received_;
  std::vector<uint64_t> deleted_;
  std::thread thread_;

  bool need_registration_ = true;
  bool full_report_due_ = false;
  Clock::time_point next_full_report_;
  std::atomic<uint64_t> heartbeats_{0}, failed_heartbeats_{0}, registrations_{0}, full_reports_{0},
      incremental_reports_{0}, commands_{0}, failed_transfers_{0};
};

}  // namespace minidfs
