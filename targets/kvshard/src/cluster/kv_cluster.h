// Test harness: a coordinator and N storage nodes, either as objects in the calling
// process (each on its own threads and ports) or as kvshard-node processes started with
// fork/exec (each prints "READY <port>" once it serves).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "client/kv_client.h"
#include "common/config.h"
#include "coordinator/coordinator.h"
#include "storage/storage_node.h"

namespace kvshard {

enum class ClusterMode { kInProcess, kMultiProcess };

struct KvClusterOptions {
  int num_nodes = 3;
  Config config = Config::forTests();
  ClusterMode mode = ClusterMode::kInProcess;
};

// One kvshard-node child process.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess &) = delete;
  ChildProcess &operator=(const ChildProcess &) = delete;

  Status spawn(const std::vector<std::string> &argv, Millis timeout);
  uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void terminate();  // SIGTERM, then wait
  void kill();       // SIGKILL, then wait

 private:
  void signalAndReap(int sig);
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

class KvCluster {
 public:
  explicit KvCluster(KvClusterOptions opts = {});
  ~KvCluster();
  KvCluster(const KvCluster &) = delete;
  KvCluster &operator=(const KvCluster &) = delete;

  // Starts the coordinator and every node, then waits until every shard is served.
  Status start();
  void shutdown();

  const Config &config() const { return opts_.config; }
  ClusterMode mode() const { return opts_.mode; }
  uint16_t coordinatorPort() const { return coord_port_; }
  int numNodes() const { return static_cast<int>(node_ids_.size()); }
  std::string nodeId(int i) const { return node_ids_.at(static_cast<size_t>(i)); }
  int nodeIndex(const std::string &id) const;
  std::string dataDir(int i) const;
  const std::string &baseDir() const { return base_dir_; }

  std::unique_ptr<KvClient> newClient() const { return newClient(opts_.config); }
  std::unique_ptr<KvClient> newClient(const Config &clientConfig) const;

  // In-process mode only.
  Coordinator &coordinator();
  StorageNode &node(int i);
  void pauseNode(int i) { node(i).controlLoop().pause(); }
  void resumeNode(int i) { node(i).controlLoop().resume(); }
  void setNodeHandlerDelay(int i, Millis d) { node(i).setHandlerDelay(d); }

  // Both modes.
  void stopNode(int i);  // graceful
  void killNode(int i);  // SIGKILL in multi-process mode
  Status restartNode(int i);
  bool nodeRunning(int i) const;
  void stopCoordinator();
  StatsMap coordinatorStats() const;
  StatsMap nodeStats(int i) const;
  PlacementMap placement() const;
  // The node currently placed as owner of `shard`, -1 if none.
  int ownerOf(uint32_t shard) const;
  // Every shard has an owner that serves it at the placed epoch.
  bool serving() const;
  bool waitUntilServing(Millis timeout) const;

  static bool waitFor(const std::function<bool()> &pred, Millis timeout);

 private:
  Status startCoordinator();
  Status startNode(int i);
  Status adminCall(uint16_t port, Method m, std::string *resp) const;

  KvClusterOptions opts_;
  std::string base_dir_;
  std::vector<std::string> node_ids_;
  uint16_t coord_port_ = 0;
  std::unique_ptr<Coordinator> coord_;
  std::unique_ptr<ChildProcess> coord_proc_;
  std::vector<std::unique_ptr<StorageNode>> nodes_;
  std::vector<std::unique_ptr<ChildProcess>> node_procs_;
};

}  // namespace kvshard
