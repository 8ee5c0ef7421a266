// The data-transfer protocol: the DataNode side (a server accepting WRITE_BLOCK and
// READ_BLOCK connections) and the writer side (streaming a block down a pipeline), which
// the client and DataNode-to-DataNode replication share.
//
// A write: the writer connects to the first node and sends a WriteBlockHeader naming the
// rest of the pipeline; each node connects to its successor (the "mirror") and forwards
// the header; setup acks travel back. Then every packet is forwarded downstream, written
// locally and acknowledged once the downstream ack arrived, so an ack at the writer means
// every node of the pipeline has the packet.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "net/socket.h"
#include "wire/protocol.h"

namespace minidfs {

class DataNode;

// Supplies `len` bytes of the block at `offset`. May throw (IoError, ChecksumError).
using BlockSource = std::function<std::string(uint64_t offset, size_t len)>;

// Streams `length` bytes of `block` through `pipeline`. On failure *badIndex names the
// pipeline position that failed, or stays -1 when it cannot be told.
Status writeBlockToPipeline(const Config &cfg, const Block &block, const std::vector<DatanodeInfo> &pipeline,
                            const std::string &writer, const BlockSource &source, uint64_t length,
                            int *badIndex);

// Reads a whole replica from one DataNode.
Status readBlockFromDatanode(const Config &cfg, const DatanodeInfo &dn, const Block &block, std::string *out);

struct XceiverStats {
  uint64_t blocks_received = 0;
  uint64_t retransmitted_packets = 0;
  uint64_t mirror_failures = 0;
  uint64_t reads_served = 0;
  uint64_t checksum_failures = 0;
  uint64_t malformed = 0;
};

class DataXceiverServer {
 public:
  DataXceiverServer(DataNode &dn, const Config &cfg);
  ~DataXceiverServer();
  Status start();
  void stop();
  uint16_t port() const { return listener_.port(); }
  size_t activeConnections();
  XceiverStats stats() const;

 private:
  friend class BlockReceiver;
  friend class BlockSender;
  struct Conn {
    std::thread thread;
    std::shared_ptr<Socket> sock;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void acceptLoop();
  void serve(Socket &sock);
  void reapLocked();

  DataNode &dn_;
  const Config cfg_;
  ServerSocket listener_;
  std::atomic<bool> running_{false};
  std::thread acceptor_;
  std::mutex conns_mu_;
  std::list<Conn> conns_;
  std::atomic<uint64_t> blocks_received_{0}, retransmitted_{0}, mirror_failures_{0}, reads_{0},
      checksum_failures_{0}, malformed_{0};
};

}  // namespace minidfs
