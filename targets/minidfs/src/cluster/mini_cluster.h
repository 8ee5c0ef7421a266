// Test harness: a NameNode and N DataNodes, either as objects inside the calling process
// (each node on its own threads and ports) or as separate minidfs-node processes started
// with fork/exec and reached over TCP.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "client/dfs_client.h"
#include "client/dfs_output_stream.h"
#include "common/config.h"
#include "datanode/datanode.h"
#include "namenode/namenode.h"

namespace minidfs {

enum class ClusterMode { kInProcess, kMultiProcess };

struct MiniClusterOptions {
  int num_datanodes = 3;
  Config config = Config::forTests();
  ClusterMode mode = ClusterMode::kInProcess;
};

// A child process running minidfs-node.
class NodeProcess {
 public:
  NodeProcess() = default;
  ~NodeProcess();
  NodeProcess(const NodeProcess &) = delete;
  NodeProcess &operator=(const NodeProcess &) = delete;

  // Spawns `argv` and waits for its "READY <port>" line.
  Status spawn(const std::vector<std::string> &argv, Millis timeout);
  uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }
  // SIGTERM and wait (graceful); kill() is SIGKILL (crash).
  void stop();
  void kill();

 private:
  void reap(int signal);
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

class MiniCluster {
 public:
  explicit MiniCluster(MiniClusterOptions opts = {});
  ~MiniCluster();
  MiniCluster(const MiniCluster &) = delete;
  MiniCluster &operator=(const MiniCluster &) = delete;

  // Starts every node and waits until all DataNodes are registered.
  Status start();
  void shutdown();

  const Config &config() const { return opts_.config; }
  uint16_t nameNodePort() const;
  int numDatanodes() const { return static_cast<int>(dn_names_.size()); }
  std::string datanodeName(int i) const { return dn_names_.at(static_cast<size_t>(i)); }
  std::unique_ptr<DFSClient> newClient(const std::string &name = "client");

  // In-process mode only.
  NameNode &nameNode();
  DataNode &dataNode(int i);

  // Graceful stop, crash and restart of one DataNode (restart keeps its data dir).
  void stopDataNode(int i);
  void killDataNode(int i);
  Status restartDataNode(int i);
  Status restartNameNode();
  // Adds a per-packet delay to a DataNode (in-process mode).
  void setDataNodeSlow(int i, Millis perPacket);
  // Damages the stored replica of a block on DataNode i, as bit rot would.
  bool corruptReplica(int i, uint64_t blockId);

  // Cluster state as the NameNode reports it, usable in both modes.
  std::vector<DatanodeStatus> datanodeReport();
  int liveDatanodes();
  // Polls `pred` until it holds or `timeout` passes.
  static bool waitFor(const std::function<bool()> &pred, Millis timeout);
  bool waitForLiveDatanodes(int n, Millis timeout);
  // Waits until every block of `path` has `replicas` replicas.
  bool waitForReplication(const std::string &path, size_t replicas, Millis timeout);

 private:
  Status startNameNode(uint16_t port);
  Status startDataNode(int i);
  std::string dataDir(int i) const;

  MiniClusterOptions opts_;
  std::string base_dir_;
  std::vector<std::string> dn_names_;
  uint16_t nn_port_ = 0;
  std::unique_ptr<NameNode> nn_;
  std::vector<std::unique_ptr<DataNode>> dns_;
  std::unique_ptr<NodeProcess> nn_proc_;
  std::vector<std::unique_ptr<NodeProcess>> dn_procs_;
  std::unique_ptr<DFSClient> admin_;
};

}  // namespace minidfs
