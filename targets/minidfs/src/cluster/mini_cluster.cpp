#include "cluster/mini_cluster.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "common/log.h"

#ifndef MINIDFS_NODE_BINARY
#error "MINIDFS_NODE_BINARY must name the minidfs-node executable"
#endif

namespace minidfs {

namespace {

int removeEntry(const char *path, const struct stat *, int, struct FTW *) { return ::remove(path); }

void removeTree(const std::string &dir) { ::nftw(dir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS); }

std::string makeTempDir() {
  const char *tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/minidfs-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return std::string();
  return std::string(buf.data());
}

}  // namespace

// --- NodeProcess ------------------------------------------------------------------------

NodeProcess::~NodeProcess() { stop(); }

Status NodeProcess::spawn(const std::vector<std::string> &argv, Millis timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return Status(Code::kIoError, std::string("pipe: ") + std::strerror(errno));
  std::vector<char *> args;
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Status(Code::kIoError, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  // The child announces its port on stdout once it listens.
  std::string line;
  Clock::time_point deadline = Clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    Millis left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[128];
    ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (line.compare(0, 6, "READY ") != 0) {
    kill();
    return Status(Code::kUnavailable, "node process did not start: '" + line + "'");
  }
  port_ = static_cast<uint16_t>(std::strtoul(line.c_str() + 6, nullptr, 10));
  return Status::OK();
}

void NodeProcess::reap(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void NodeProcess::stop() { reap(SIGTERM); }
void NodeProcess::kill() { reap(SIGKILL); }

// --- MiniCluster ------------------------------------------------------------------------

MiniCluster::MiniCluster(MiniClusterOptions opts) : opts_(std::move(opts)) {
  for (int i = 0; i < opts_.num_datanodes; ++i) dn_names_.push_back("dn" + std::to_string(i + 1));
  dns_.resize(dn_names_.size());
  dn_procs_.resize(dn_names_.size());
}

MiniCluster::~MiniCluster() { shutdown(); }

std::string MiniCluster::dataDir(int i) const { return base_dir_ + "/" + dn_names_[static_cast<size_t>(i)]; }

Status MiniCluster::start() {
  base_dir_ = makeTempDir();
  if (base_dir_.empty()) return Status(Code::kIoError, "cannot create temp dir");
  Status st = startNameNode(0);
  if (!st.ok()) return st;
  for (int i = 0; i < numDatanodes(); ++i) {
    st = startDataNode(i);
    if (!st.ok()) return st;
  }
  admin_ = newClient("admin");
  if (!waitForLiveDatanodes(numDatanodes(), Millis(5000))) {
    return Status(Code::kTimeout, "datanodes did not register");
  }
  return Status::OK();
}

Status MiniCluster::startNameNode(uint16_t port) {
  if (opts_.mode == ClusterMode::kInProcess) {
    nn_.reset(new NameNode(opts_.config));
    Status st = nn_->start(port);
    if (st.ok()) nn_port_ = nn_->port();
    return st;
  }
  std::vector<std::string> argv = {MINIDFS_NODE_BINARY, "namenode", "--port", std::to_string(port)};
  for (const std::string &kv : opts_.config.toArgs()) argv.push_back("--conf=" + kv);
  nn_proc_.reset(new NodeProcess());
  Status st = nn_proc_->spawn(argv, Millis(5000));
  if (st.ok()) nn_port_ = nn_proc_->port();
  return st;
}

Status MiniCluster::startDataNode(int i) {
  size_t idx = static_cast<size_t>(i);
  if (opts_.mode == ClusterMode::kInProcess) {
    dns_[idx].reset(new DataNode(opts_.config, dn_names_[idx], dataDir(i), "127.0.0.1", nn_port_));
    return dns_[idx]->start();
  }
  std::vector<std::string> argv = {MINIDFS_NODE_BINARY, "datanode", "--id", dn_names_[idx], "--dir", dataDir(i),
                                   "--namenode-port", std::to_string(nn_port_)};
  for (const std::string &kv : opts_.config.toArgs()) argv.push_back("--conf=" + kv);
  dn_procs_[idx].reset(new NodeProcess());
  return dn_procs_[idx]->spawn(argv, Millis(5000));
}

void MiniCluster::shutdown() {
  admin_.reset();
  for (auto &dn : dns_) dn.reset();
  for (auto &p : dn_procs_) p.reset();
  nn_.reset();
  nn_proc_.reset();
  if (!base_dir_.empty()) {
    removeTree(base_dir_);
    base_dir_.clear();
  }
}

uint16_t MiniCluster::nameNodePort() const { return nn_port_; }

std::unique_ptr<DFSClient> MiniCluster::newClient(const std::string &name) {
  return std::unique_ptr<DFSClient>(new DFSClient(opts_.config, "127.0.0.1", nn_port_, name));
}

NameNode &MiniCluster::nameNode() {
  if (!nn_) throw std::logic_error("namenode is not running in this process");
  return *nn_;
}

DataNode &MiniCluster::dataNode(int i) {
  auto &dn = dns_.at(static_cast<size_t>(i));
  if (!dn) throw std::logic_error(datanodeName(i) + " is not running in this process");
  return *dn;
}

void MiniCluster::stopDataNode(int i) {
  size_t idx = static_cast<size_t>(i);
  if (dns_[idx]) dns_[idx].reset();
  if (dn_procs_[idx]) dn_procs_[idx]->stop();
}

void MiniCluster::killDataNode(int i) {
  size_t idx = static_cast<size_t>(i);
  // In-process nodes cannot be killed separately from the test; stopping one abruptly
  // (no farewell to the NameNode, which DataNodes never send anyway) is equivalent.
  if (dns_[idx]) dns_[idx].reset();
  if (dn_procs_[idx]) dn_procs_[idx]->kill();
}

Status MiniCluster::restartDataNode(int i) {
  stopDataNode(i);
  return startDataNode(i);
}

Status MiniCluster::restartNameNode() {
  uint16_t port = nn_port_;
  admin_.reset();
  nn_.reset();
  if (nn_proc_) nn_proc_->stop();
  // Reuse the port so DataNodes and clients find the new instance.
  Status st;
  for (int attempt = 0; attempt < 50; ++attempt) {
    st = startNameNode(port);
    if (st.ok()) break;
    std::this_thread::sleep_for(Millis(20));
  }
  if (!st.ok()) return st;
  admin_ = newClient("admin");
  return Status::OK();
}

void MiniCluster::setDataNodeSlow(int i, Millis perPacket) { dataNode(i).setSlowness(perPacket); }

bool MiniCluster::corruptReplica(int i, uint64_t blockId) {
  std::string path = dataDir(i) + "/blk_" + std::to_string(blockId);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  char c = 0;
  bool ok = ::pread(fd, &c, 1, 0) == 1;
  c = static_cast<char>(c ^ 0x5A);
  ok = ok && ::pwrite(fd, &c, 1, 0) == 1;
  ::close(fd);
  return ok;
}

std::vector<DatanodeStatus> MiniCluster::datanodeReport() {
  std::vector<DatanodeStatus> report;
  if (admin_) admin_->datanodeReport(&report);
  return report;
}

int MiniCluster::liveDatanodes() {
  int n = 0;
  for (const DatanodeStatus &s : datanodeReport()) n += s.alive ? 1 : 0;
  return n;
}

bool MiniCluster::waitFor(const std::function<bool()> &pred, Millis timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(5));
  }
}

bool MiniCluster::waitForLiveDatanodes(int n, Millis timeout) {
  return waitFor([&] { return liveDatanodes() == n; }, timeout);
}

bool MiniCluster::waitForReplication(const std::string &path, size_t replicas, Millis timeout) {
  return waitFor(
      [&] {
        FileLocations locs;
        if (!admin_ || !admin_->getBlockLocations(path, &locs).ok()) return false;
        for (const LocatedBlock &lb : locs.blocks) {
          if (lb.locations.size() != replicas) return false;
        }
        return true;
      },
      timeout);
}

}  // namespace minidfs
