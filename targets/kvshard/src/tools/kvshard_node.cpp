// kvshard-node: one coordinator or storage node as its own process.
//
//   kvshard-node coordinator [--port P] [--initial-nodes N] [--conf=key=value ...]
//   kvshard-node storage --id ID --dir DIR --coordinator-port P [--port P] [--conf=key=value ...]
//
// Prints "READY <port>" on stdout once serving, then runs until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <pthread.h>
#include <string>
#include <sys/prctl.h>

#include "common/config.h"
#include "common/log.h"
#include "coordinator/coordinator.h"
#include "storage/storage_node.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: kvshard-node coordinator [--port P] [--initial-nodes N] [--conf=key=value ...]\n"
               "       kvshard-node storage --id ID --dir DIR --coordinator-port P [--port P] "
               "[--conf=key=value ...]\n");
  return 2;
}

}  // namespace

int main(int argc, char **argv) {
  using namespace kvshard;
  if (argc < 2) return usage();
  std::string role = argv[1];
  Config cfg = Config::forTests();
  std::string id, dir;
  uint16_t port = 0, coordPort = 0;
  int initialNodes = 1;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    bool more = i + 1 < argc;
    if (arg.rfind("--conf=", 0) == 0) {
      std::string kv = arg.substr(7);
      size_t eq = kv.find('=');
      if (eq == std::string::npos || !cfg.set(kv.substr(0, eq), kv.substr(eq + 1))) {
        std::fprintf(stderr, "bad config '%s'\n", kv.c_str());
        return 2;
      }
    } else if (arg == "--port" && more) {
      port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else if (arg == "--initial-nodes" && more) {
      initialNodes = std::atoi(argv[++i]);
    } else if (arg == "--id" && more) {
      id = argv[++i];
    } else if (arg == "--dir" && more) {
      dir = argv[++i];
    } else if (arg == "--coordinator-port" && more) {
      coordPort = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else {
      return usage();
    }
  }

  // Die with the harness; collect termination signals in main only.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  std::unique_ptr<Coordinator> coord;
  std::unique_ptr<StorageNode> node;
  Status st;
  uint16_t announced = 0;
  if (role == "coordinator") {
    nameThread("coord");
    coord.reset(new Coordinator(cfg, initialNodes));
    st = coord->start(port);
    announced = coord->port();
  } else if (role == "storage") {
    if (id.empty() || dir.empty() || coordPort == 0) return usage();
    nameThread(id);
    node.reset(new StorageNode(cfg, id, dir, "127.0.0.1", coordPort));
    st = node->start(port);
    announced = node->port();
  } else {
    return usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", role.c_str(), st.toString().c_str());
    return 1;
  }
  std::printf("READY %u\n", static_cast<unsigned>(announced));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  if (node) node->stop();
  if (coord) coord->stop();
  return 0;
}
