// minidfs-node: runs one NameNode or DataNode as its own process.
//
//   minidfs-node namenode [--port P] [--conf=key=value ...]
//   minidfs-node datanode --id NAME --dir DIR --namenode-port P [--conf=key=value ...]
//
// Prints "READY <port>" on stdout once serving (the RPC port for a NameNode, the
// transfer port for a DataNode) and runs until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <pthread.h>
#include <string>
#include <sys/prctl.h>

#include "common/config.h"
#include "common/node_name.h"
#include "datanode/datanode.h"
#include "namenode/namenode.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: minidfs-node namenode [--port P] [--conf=key=value ...]\n"
               "       minidfs-node datanode --id NAME --dir DIR --namenode-port P [--conf=key=value ...]\n");
  return 2;
}

}  // namespace

int main(int argc, char **argv) {
  using namespace minidfs;
  if (argc < 2) return usage();
  std::string role = argv[1];
  Config cfg = Config::forTests();
  std::string id = "dn", dir;
  uint16_t port = 0, nnPort = 0;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg.compare(0, 7, "--conf=") == 0) {
      std::string kv = arg.substr(7);
      size_t eq = kv.find('=');
      if (eq == std::string::npos || !cfg.set(kv.substr(0, eq), kv.substr(eq + 1))) {
        std::fprintf(stderr, "unknown config %s\n", kv.c_str());
        return 2;
      }
    } else if (arg == "--port" && hasValue) {
      port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else if (arg == "--id" && hasValue) {
      id = argv[++i];
    } else if (arg == "--dir" && hasValue) {
      dir = argv[++i];
    } else if (arg == "--namenode-port" && hasValue) {
      nnPort = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else {
      return usage();
    }
  }

  // Die with the harness, so a crashed test never leaves nodes behind.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  // Block termination signals in every thread; main collects them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<NameNode> nn;
  std::unique_ptr<DataNode> dn;
  Status st;
  uint16_t announced = 0;
  if (role == "namenode") {
    nameThread("nn");
    nn.reset(new NameNode(cfg));
    st = nn->start(port);
    announced = nn->port();
  } else if (role == "datanode") {
    if (dir.empty() || nnPort == 0) return usage();
    nameThread(id);
    dn.reset(new DataNode(cfg, id, dir, "127.0.0.1", nnPort));
    st = dn->start();
    announced = dn->xferPort();
  } else {
    return usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "%s failed to start: %s\n", role.c_str(), st.toString().c_str());
    return 1;
  }
  std::printf("READY %u\n", static_cast<unsigned>(announced));
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  if (dn) dn->stop();
  if (nn) nn->stop();
  return 0;
}
