#include "cluster/kv_cluster.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "rpc/rpc_channel.h"

#ifndef KVSHARD_NODE_BINARY
#error "KVSHARD_NODE_BINARY must name the kvshard-node executable"
#endif

namespace kvshard {

namespace {

int removeOne(const char *path, const struct stat *, int, struct FTW *) { return ::remove(path); }

std::string createTempDir() {
  const char *tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/kvshard-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return std::string();
  return buf.data();
}

}  // namespace

// --- ChildProcess -----------------------------------------------------------------------

ChildProcess::~ChildProcess() { terminate(); }

Status ChildProcess::spawn(const std::vector<std::string> &argv, Millis timeout) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return Status(Code::kIoError, std::string("pipe2: ") + std::strerror(errno));
  std::vector<char *> args;
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return Status(Code::kIoError, std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  pid_ = pid;
  std::string out;
  Clock::time_point deadline = Clock::now() + timeout;
  while (out.find('\n') == std::string::npos) {
    long left = static_cast<long>(std::chrono::duration_cast<Millis>(deadline - Clock::now()).count());
    if (left <= 0) break;
    pollfd p{pipefd[0], POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) break;
    char buf[256];
    ssize_t n = ::read(pipefd[0], buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(pipefd[0]);
  if (out.rfind("READY ", 0) != 0) {
    kill();
    return Status(Code::kUnavailable, "child did not report READY: '" + out + "'");
  }
  port_ = static_cast<uint16_t>(std::strtoul(out.c_str() + 6, nullptr, 10));
  return Status::OK();
}

void ChildProcess::signalAndReap(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void ChildProcess::terminate() { signalAndReap(SIGTERM); }
void ChildProcess::kill() { signalAndReap(SIGKILL); }

// --- KvCluster --------------------------------------------------------------------------

KvCluster::KvCluster(KvClusterOptions opts) : opts_(std::move(opts)) {
  for (int i = 0; i < opts_.num_nodes; ++i) node_ids_.push_back("n" + std::to_string(i + 1));
  nodes_.resize(node_ids_.size());
  node_procs_.resize(node_ids_.size());
}

KvCluster::~KvCluster() { shutdown(); }

std::string KvCluster::dataDir(int i) const { return base_dir_ + "/" + nodeId(i); }

int KvCluster::nodeIndex(const std::string &id) const {
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] == id) return static_cast<int>(i);
  }
  return -1;
}

Status KvCluster::start() {
  base_dir_ = createTempDir();
  if (base_dir_.empty()) return Status(Code::kIoError, "cannot create a temp dir");
  for (int i = 0; i < numNodes(); ++i) {
    if (::mkdir(dataDir(i).c_str(), 0755) != 0) return Status(Code::kIoError, "mkdir " + dataDir(i));
  }
  Status st = startCoordinator();
  if (!st.ok()) return st;
  for (int i = 0; i < numNodes(); ++i) {
    st = startNode(i);
    if (!st.ok()) return st;
  }
  if (!waitUntilServing(Millis(5000))) return Status(Code::kTimeout, "shards were not placed and served in time");
  return Status::OK();
}

Status KvCluster::startCoordinator() {
  if (opts_.mode == ClusterMode::kInProcess) {
    coord_.reset(new Coordinator(opts_.config, numNodes()));
    Status st = coord_->start(0);
    if (st.ok()) coord_port_ = coord_->port();
    return st;
  }
  std::vector<std::string> argv = {KVSHARD_NODE_BINARY, "coordinator", "--initial-nodes", std::to_string(numNodes())};
  for (const std::string &kv : opts_.config.toArgs()) argv.push_back("--conf=" + kv);
  coord_proc_.reset(new ChildProcess());
  Status st = coord_proc_->spawn(argv, Millis(5000));
  if (st.ok()) coord_port_ = coord_proc_->port();
  return st;
}

Status KvCluster::startNode(int i) {
  size_t idx = static_cast<size_t>(i);
  if (opts_.mode == ClusterMode::kInProcess) {
    nodes_[idx].reset(new StorageNode(opts_.config, nodeId(i), dataDir(i), "127.0.0.1", coord_port_));
    Status st = nodes_[idx]->start(0);
    if (!st.ok()) nodes_[idx].reset();
    return st;
  }
  std::vector<std::string> argv = {KVSHARD_NODE_BINARY, "storage", "--id", nodeId(i), "--dir", dataDir(i),
                                   "--coordinator-port", std::to_string(coord_port_)};
  for (const std::string &kv : opts_.config.toArgs()) argv.push_back("--conf=" + kv);
  node_procs_[idx].reset(new ChildProcess());
  return node_procs_[idx]->spawn(argv, Millis(5000));
}

void KvCluster::shutdown() {
  for (auto &n : nodes_) n.reset();
  for (auto &p : node_procs_) p.reset();
  coord_.reset();
  coord_proc_.reset();
  if (!base_dir_.empty()) {
    ::nftw(base_dir_.c_str(), removeOne, 16, FTW_DEPTH | FTW_PHYS);
    base_dir_.clear();
  }
}

std::unique_ptr<KvClient> KvCluster::newClient(const Config &clientConfig) const {
  return std::unique_ptr<KvClient>(new KvClient(clientConfig, "127.0.0.1", coord_port_));
}

Coordinator &KvCluster::coordinator() {
  if (!coord_) throw std::logic_error("the coordinator does not run in this process");
  return *coord_;
}

StorageNode &KvCluster::node(int i) {
  auto &n = nodes_.at(static_cast<size_t>(i));
  if (!n) throw std::logic_error(nodeId(i) + " does not run in this process");
  return *n;
}

void KvCluster::stopNode(int i) {
  size_t idx = static_cast<size_t>(i);
  nodes_[idx].reset();
  if (node_procs_[idx]) node_procs_[idx]->terminate();
}

void KvCluster::killNode(int i) {
  size_t idx = static_cast<size_t>(i);
  // An in-process node cannot die alone; destroying it without any farewell to the
  // coordinator (nodes never send one) is what the coordinator sees of a crash.
  nodes_[idx].reset();
  if (node_procs_[idx]) node_procs_[idx]->kill();
}

Status KvCluster::restartNode(int i) {
  stopNode(i);
  return startNode(i);
}

bool KvCluster::nodeRunning(int i) const {
  size_t idx = static_cast<size_t>(i);
  return nodes_[idx] != nullptr || (node_procs_[idx] != nullptr && node_procs_[idx]->running());
}

void KvCluster::stopCoordinator() {
  coord_.reset();
  if (coord_proc_) coord_proc_->terminate();
}

Status KvCluster::adminCall(uint16_t port, Method m, std::string *resp) const {
  RpcChannel ch("127.0.0.1", port, channelOptions(opts_.config));
  return ch.call(m, std::string(), resp);
}

StatsMap KvCluster::coordinatorStats() const {
  if (coord_) return coord_->stats();
  std::string bytes;
  if (!adminCall(coord_port_, Method::kStats, &bytes).ok()) return StatsMap{};
  Reader d(bytes);
  return decodeStats(d);
}

StatsMap KvCluster::nodeStats(int i) const {
  size_t idx = static_cast<size_t>(i);
  if (nodes_[idx]) return nodes_[idx]->stats();
  if (!node_procs_[idx] || !node_procs_[idx]->running()) return StatsMap{};
  std::string bytes;
  if (!adminCall(node_procs_[idx]->port(), Method::kStats, &bytes).ok()) return StatsMap{};
  Reader d(bytes);
  return decodeStats(d);
}

PlacementMap KvCluster::placement() const {
  if (coord_) return coord_->placement();
  std::string bytes;
  if (!adminCall(coord_port_, Method::kGetMap, &bytes).ok()) return PlacementMap{};
  Reader d(bytes);
  return PlacementMap::decode(d);
}

int KvCluster::ownerOf(uint32_t shard) const {
  PlacementMap map = placement();
  if (shard >= map.routes.size()) return -1;
  return nodeIndex(map.routes[shard].owner.id);
}

bool KvCluster::serving() const {
  PlacementMap map = placement();
  if (map.routes.empty()) return false;
  std::vector<uint64_t> placed(node_ids_.size(), 0);
  for (const ShardRoute &r : map.routes) {
    int i = nodeIndex(r.owner.id);
    if (i < 0 || !nodeRunning(i)) return false;
    size_t idx = static_cast<size_t>(i);
    if (nodes_[idx]) {
      ShardStore &s = nodes_[idx]->store();
      if (!s.owns(r.shard) || s.epoch(r.shard) != r.epoch) return false;
    }
    ++placed[idx];
  }
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (nodes_[i] || !node_procs_[i] || !node_procs_[i]->running()) continue;
    StatsMap s = nodeStats(static_cast<int>(i));
    if (s["owned_shards"] != placed[i]) return false;
  }
  return true;
}

bool KvCluster::waitUntilServing(Millis timeout) const {
  return waitFor([this] { return serving(); }, timeout);
}

bool KvCluster::waitFor(const std::function<bool()> &pred, Millis timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(5));
  }
}

}  // namespace kvshard
