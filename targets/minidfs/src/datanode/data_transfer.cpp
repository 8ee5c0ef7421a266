#include "datanode/data_transfer.h"

#include "common/log.h"
#include "common/node_name.h"
#include "datanode/datanode.h"

namespace minidfs {

namespace {

Status readTyped(Socket &sock, const Config &cfg, Op expected, Frame *out) {
  Status st = readFrame(sock, static_cast<size_t>(cfg.max_frame_bytes), out);
  if (!st.ok()) return st;
  if (out->type != static_cast<uint16_t>(expected)) {
    return Status(Code::kBadRequest, "unexpected frame type " + std::to_string(out->type));
  }
  return Status::OK();
}

Status readAck(Socket &sock, const Config &cfg, Op expected, PipelineAck *ack) {
  Frame f;
  Status st = readTyped(sock, cfg, expected, &f);
  if (!st.ok()) return st;
  try {
    Decoder d(f.payload);
    *ack = PipelineAck::decode(d);
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  return Status::OK();
}

Status sendAck(Socket &sock, Op type, uint64_t seq, Code code, int badIndex) {
  PipelineAck ack;
  ack.status = static_cast<uint16_t>(code);
  ack.bad_index = badIndex;
  Frame f;
  f.type = static_cast<uint16_t>(type);
  f.id = seq;
  f.payload = ack.encode();
  return writeFrame(sock, f);
}

// Each hop waits for everything downstream of it, so timeouts grow with the number of
// nodes behind the waiting side (like HDFS's per-node read timeout extension).
Millis pipelineTimeout(const Config &cfg, size_t nodesBehind) {
  return cfg.socket_timeout * static_cast<int>(nodesBehind + 1);
}

}  // namespace

// --- writer side -------------------------------------------------------------------------

Status writeBlockToPipeline(const Config &cfg, const Block &block, const std::vector<DatanodeInfo> &pipeline,
                            const std::string &writer, const BlockSource &source, uint64_t length,
                            int *badIndex) {
  *badIndex = -1;
  if (pipeline.empty()) return Status(Code::kNoSpace, "empty pipeline");
  Socket sock;
  Status st = Socket::connect(pipeline[0].host, pipeline[0].xfer_port, cfg.socket_timeout, &sock);
  if (!st.ok()) {
    *badIndex = 0;
    return st;
  }
  Millis timeout = pipelineTimeout(cfg, pipeline.size());
  st = sock.setTimeouts(timeout, timeout);
  if (!st.ok()) return st;

  WriteBlockHeader header;
  header.block = block;
  header.downstream.assign(pipeline.begin() + 1, pipeline.end());
  header.client = writer;
  Frame op;
  op.type = static_cast<uint16_t>(Op::kWriteBlock);
  op.payload = header.encode();
  PipelineAck ack;
  st = writeFrame(sock, op);
  if (st.ok()) st = readAck(sock, cfg, Op::kSetupAck, &ack);
  if (!st.ok()) {
    *badIndex = 0;
    return st;
  }
  if (ack.status != static_cast<uint16_t>(Code::kOk)) {
    *badIndex = ack.bad_index;
    return Status(static_cast<Code>(ack.status), "pipeline setup failed at position " + std::to_string(ack.bad_index));
  }

  uint64_t offset = 0;
  uint64_t seq = 0;
  do {
    size_t n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(cfg.packet_size), length - offset));
    Packet pkt;
    pkt.offset = offset;
    pkt.last = offset + n == length;
    pkt.data = source(offset, n);
    Frame f;
    f.type = static_cast<uint16_t>(Op::kPacket);
    f.id = seq;
    f.payload = pkt.encode();
    st = writeFrame(sock, f);
    if (st.ok()) st = readAck(sock, cfg, Op::kPacketAck, &ack);
    if (!st.ok()) {
      // The first node stopped answering; whether it or a node behind it is at fault
      // cannot be told from here.
      *badIndex = 0;
      return st;
    }
    if (ack.status != static_cast<uint16_t>(Code::kOk)) {
      *badIndex = ack.bad_index;
      return Status(static_cast<Code>(ack.status), "packet " + std::to_string(seq) + " failed at position " +
                                                       std::to_string(ack.bad_index));
    }
    offset += n;
    ++seq;
  } while (offset < length);
  return Status::OK();
}

Status readBlockFromDatanode(const Config &cfg, const DatanodeInfo &dn, const Block &block, std::string *out) {
  Socket sock;
  Status st = Socket::connect(dn.host, dn.xfer_port, cfg.socket_timeout, &sock);
  if (!st.ok()) return st;
  ReadBlockRequest req;
  req.block_id = block.id;
  req.length = block.num_bytes;
  Frame op;
  op.type = static_cast<uint16_t>(Op::kReadBlock);
  op.payload = req.encode();
  st = writeFrame(sock, op);
  if (!st.ok()) return st;
  Frame header;
  st = readTyped(sock, cfg, Op::kReadHeader, &header);
  if (!st.ok()) return st;
  if (header.status != static_cast<uint16_t>(Code::kOk)) {
    return Status(static_cast<Code>(header.status), dn.id + ": " + header.payload);
  }
  uint64_t length;
  try {
    Decoder d(header.payload);
    length = d.u64();
    d.expectEnd();
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  out->clear();
  while (out->size() < length) {
    Frame f;
    st = readTyped(sock, cfg, Op::kData, &f);
    if (!st.ok()) return st;
    if (f.status != static_cast<uint16_t>(Code::kOk)) {
      return Status(static_cast<Code>(f.status), dn.id + ": " + f.payload);
    }
    if (f.id != out->size()) return Status(Code::kBadRequest, "data frame out of order");
    out->append(f.payload);
  }
  if (out->size() != length) return Status(Code::kBadRequest, "read returned more data than announced");
  return Status::OK();
}

// --- DataNode side -------------------------------------------------------------------------

// Receives one block from upstream, forwards it to the mirror and stores it locally.
class BlockReceiver {
 public:
  BlockReceiver(DataXceiverServer &server, Socket &upstream, WriteBlockHeader header)
      : server_(server), dn_(server.dn_), cfg_(server.cfg_), upstream_(upstream), header_(std::move(header)) {}

  void run() {
    Status st = dn_.store().openForWrite(header_.block, &bytes_on_disk_);
    if (!st.ok()) {
      MINIDFS_LOG(kWarn) << "cannot open replica " << header_.block.id << ": " << st.toString();
      sendAck(upstream_, Op::kSetupAck, 0, Code::kIoError, 0);
      return;
    }
    if (!header_.downstream.empty() && !setupMirror()) return;
    st = sendAck(upstream_, Op::kSetupAck, 0, Code::kOk, -1);
    if (!st.ok()) return;
    try {
      receivePackets();
    } catch (const IoError &e) {
      // Our own disk failed: name ourselves as the bad node so the writer drops us.
      MINIDFS_LOG(kWarn) << "write of block " << header_.block.id << " failed: " << e.what();
      sendAck(upstream_, Op::kPacketAck, seq_, Code::kIoError, 0);
    }
  }

 private:
  bool setupMirror() {
    const DatanodeInfo &next = header_.downstream[0];
    PipelineAck ack;
    Status st = Socket::connect(next.host, next.xfer_port, cfg_.socket_timeout, &mirror_);
    if (st.ok()) {
      Millis timeout = pipelineTimeout(cfg_, header_.downstream.size());
      st = mirror_.setTimeouts(timeout, timeout);
    }
    if (st.ok()) {
      WriteBlockHeader fwd = header_;
      fwd.downstream.erase(fwd.downstream.begin());
      Frame op;
      op.type = static_cast<uint16_t>(Op::kWriteBlock);
      op.payload = fwd.encode();
      st = writeFrame(mirror_, op);
    }
    if (st.ok()) st = readAck(mirror_, cfg_, Op::kSetupAck, &ack);
    if (st.ok() && ack.status == static_cast<uint16_t>(Code::kOk)) return true;
    int bad = st.ok() ? ack.bad_index + 1 : 1;
    ++server_.mirror_failures_;
    mirror_.close();
    if (cfg_.fast_failover) {
      sendAck(upstream_, Op::kSetupAck, 0, Code::kIoError, bad);
      return false;
    }
    MINIDFS_LOG(kWarn) << "mirror " << next.id << " unavailable; continuing block " << header_.block.id
                       << " without it";
    return true;
  }

  void receivePackets() {
    bool last = false;
    while (!last) {
      Frame frame;
      Status st = readTyped(upstream_, cfg_, Op::kPacket, &frame);
      if (!st.ok()) {
        // The writer gave up on us (or sent garbage); the replica stays RBW until the
        // writer's recovery reopens or abandons it.
        MINIDFS_LOG(kInfo) << "block " << header_.block.id << ": upstream failed: " << st.toString();
        return;
      }
      seq_ = frame.id;
      Decoder d(frame.payload);
      Packet pkt = Packet::decode(d);
      dn_.throttle();
      if (mirror_.valid()) {
        Status ms = writeFrame(mirror_, frame);
        if (!ms.ok()) {
          ++server_.mirror_failures_;
          mirror_.close();
          if (cfg_.fast_failover) {
            sendAck(upstream_, Op::kPacketAck, seq_, Code::kIoError, 1);
            return;
          }
          MINIDFS_LOG(kWarn) << "lost mirror for block " << header_.block.id << ": " << ms.toString();
        }
      }
      if (pkt.offset < bytes_on_disk_) {
        // Retransmission after pipeline recovery: we already hold a prefix of this
        // packet and only write what is new.
        ++server_.retransmitted_;
        uint64_t skip = std::min<uint64_t>(bytes_on_disk_ - pkt.offset, pkt.data.size());
        pkt.data.erase(0, static_cast<size_t>(skip));
        pkt.offset += skip;
      }
      if (!pkt.data.empty()) {
        dn_.store().writeAt(header_.block.id, pkt.offset, pkt.data);
        bytes_on_disk_ = std::max<uint64_t>(bytes_on_disk_, pkt.offset + pkt.data.size());
      }
      last = pkt.last;
      if (last) finalizeReplica();
      if (mirror_.valid()) {
        PipelineAck ack;
        Status as = readAck(mirror_, cfg_, Op::kPacketAck, &ack);
        if (!as.ok() || ack.status != static_cast<uint16_t>(Code::kOk)) {
          ++server_.mirror_failures_;
          mirror_.close();
          if (cfg_.fast_failover) {
            sendAck(upstream_, Op::kPacketAck, seq_, as.ok() ? static_cast<Code>(ack.status) : as.code(),
                    as.ok() ? ack.bad_index + 1 : 1);
            return;
          }
        }
      }
      st = sendAck(upstream_, Op::kPacketAck, seq_, Code::kOk, -1);
      if (!st.ok()) return;
    }
  }

  void finalizeReplica() {
    Block finalized;
    Status st = dn_.store().finalize(header_.block.id, &finalized);
    if (!st.ok()) throw IoError(st.message());
    ++server_.blocks_received_;
    dn_.blockReceived(finalized);
  }

  DataXceiverServer &server_;
  DataNode &dn_;
  const Config &cfg_;
  Socket &upstream_;
  WriteBlockHeader header_;
  Socket mirror_;
  uint64_t bytes_on_disk_ = 0;
  uint64_t seq_ = 0;
};

// Serves a READ_BLOCK request from a finalized local replica.
class BlockSender {
 public:
  BlockSender(DataXceiverServer &server, Socket &sock, ReadBlockRequest req)
      : server_(server), dn_(server.dn_), cfg_(server.cfg_), sock_(sock), req_(req) {}

  void run() {
    ReplicaInfo info;
    Frame header;
    header.type = static_cast<uint16_t>(Op::kReadHeader);
    if (!dn_.store().get(req_.block_id, &info) || info.state != ReplicaState::kFinalized ||
        req_.offset > info.block.num_bytes) {
      header.status = static_cast<uint16_t>(Code::kNotFound);
      header.payload = "no finalized replica of block " + std::to_string(req_.block_id);
      writeFrame(sock_, header);
      return;
    }
    uint64_t end = std::min<uint64_t>(info.block.num_bytes, req_.offset + req_.length);
    Encoder e;
    e.u64(end - req_.offset);
    header.payload = e.take();
    if (!writeFrame(sock_, header).ok()) return;
    ++server_.reads_;
    for (uint64_t off = req_.offset; off < end; off += static_cast<uint64_t>(cfg_.packet_size)) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(cfg_.packet_size), end - off));
      Frame data;
      data.type = static_cast<uint16_t>(Op::kData);
      data.id = off - req_.offset;
      try {
        data.payload = dn_.store().read(req_.block_id, off, n);
      } catch (const ChecksumError &e) {
        // Tell the reader, which reports the replica and reads another one.
        ++server_.checksum_failures_;
        data.status = static_cast<uint16_t>(Code::kChecksum);
        data.payload = e.what();
        writeFrame(sock_, data);
        return;
      }
      Status st = writeFrame(sock_, data);
      if (!st.ok()) return;
    }
  }

 private:
  DataXceiverServer &server_;
  DataNode &dn_;
  const Config &cfg_;
  Socket &sock_;
  ReadBlockRequest req_;
};

DataXceiverServer::DataXceiverServer(DataNode &dn, const Config &cfg) : dn_(dn), cfg_(cfg) {}

DataXceiverServer::~DataXceiverServer() { stop(); }

Status DataXceiverServer::start() {
  Status st = listener_.listen(0);
  if (!st.ok()) return st;
  running_ = true;
  acceptor_ = std::thread([this] { acceptLoop(); });
  return Status::OK();
}

void DataXceiverServer::stop() {
  if (!running_.exchange(false)) return;
  listener_.shutdown();
  acceptor_.join();
  listener_.close();
  std::list<Conn> conns;
  {
    std::lock_guard<std::mutex> lk(conns_mu_);
    for (Conn &c : conns_) c.sock->shutdownBoth();
    conns.swap(conns_);
  }
  for (Conn &c : conns) c.thread.join();
}

size_t DataXceiverServer::activeConnections() {
  std::lock_guard<std::mutex> lk(conns_mu_);
  reapLocked();
  return conns_.size();
}

XceiverStats DataXceiverServer::stats() const {
  XceiverStats s;
  s.blocks_received = blocks_received_;
  s.retransmitted_packets = retransmitted_;
  s.mirror_failures = mirror_failures_;
  s.reads_served = reads_;
  s.checksum_failures = checksum_failures_;
  s.malformed = malformed_;
  return s;
}

void DataXceiverServer::reapLocked() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (*it->done) {
      it->thread.join();
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void DataXceiverServer::acceptLoop() {
  nameThread(dn_.id());
  while (running_) {
    Socket sock;
    Status st = listener_.accept(&sock);
    if (!st.ok()) {
      if (!running_) break;
      MINIDFS_LOG(kWarn) << "accept failed: " << st.toString();
      continue;
    }
    auto shared = std::make_shared<Socket>(std::move(sock));
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lk(conns_mu_);
    reapLocked();
    if (!running_) break;
    conns_.push_back(Conn{std::thread([this, shared, done] {
                            nameThread(dn_.id());
                            serve(*shared);
                            shared->shutdownBoth();
                            *done = true;
                          }),
                          shared, done});
  }
}

void DataXceiverServer::serve(Socket &sock) {
  Millis idle = cfg_.socket_timeout * 4;
  if (!sock.setTimeouts(idle, cfg_.socket_timeout).ok()) return;
  Frame op;
  Status st = readFrame(sock, static_cast<size_t>(cfg_.max_frame_bytes), &op);
  if (!st.ok()) {
    if (st.code() == Code::kBadRequest) ++malformed_;
    return;
  }
  try {
    Decoder d(op.payload);
    if (op.type == static_cast<uint16_t>(Op::kWriteBlock)) {
      BlockReceiver receiver(*this, sock, WriteBlockHeader::decode(d));
      receiver.run();
    } else if (op.type == static_cast<uint16_t>(Op::kReadBlock)) {
      BlockSender sender(*this, sock, ReadBlockRequest::decode(d));
      sender.run();
    } else {
      ++malformed_;
      MINIDFS_LOG(kWarn) << "unknown data transfer op " << op.type;
    }
  } catch (const ProtocolError &e) {
    ++malformed_;
    MINIDFS_LOG(kWarn) << "malformed data transfer message: " << e.what();
  } catch (const std::exception &e) {
    MINIDFS_LOG(kWarn) << "data transfer failed: " << e.what();
  }
}

}  // namespace minidfs
