#include "client/dfs_client.h"

#include "client/dfs_input_stream.h"
#include "client/dfs_output_stream.h"
#include "common/log.h"
#include "common/node_name.h"

namespace minidfs {

DFSClient::DFSClient(const Config &cfg, std::string nnHost, uint16_t nnPort, std::string name)
    : cfg_(cfg), name_(std::move(name)), rpc_(std::move(nnHost), nnPort, cfg) {
  renewer_ = std::thread([this] { leaseRenewerLoop(); });
}

DFSClient::~DFSClient() { abort(); }

void DFSClient::abort() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (closing_) return;
    closing_ = true;
    cv_.notify_all();
  }
  renewer_.join();
  rpc_.close();
}

ClientStats DFSClient::stats() const {
  ClientStats s;
  s.pipeline_recoveries = pipeline_recoveries_;
  s.read_failovers = read_failovers_;
  s.complete_retries = complete_retries_;
  s.rpc_retries = rpc_.retries();
  s.lease_renewals = lease_renewals_;
  s.failed_renewals = failed_renewals_;
  return s;
}

void DFSClient::fileOpened() {
  std::lock_guard<std::mutex> lk(mu_);
  ++open_files_;
}

void DFSClient::fileClosed() {
  std::lock_guard<std::mutex> lk(mu_);
  --open_files_;
}

void DFSClient::leaseRenewerLoop() {
  nameThread(name_);
  std::unique_lock<std::mutex> lk(mu_);
  while (!closing_) {
    cv_.wait_for(lk, cfg_.lease_renew_interval, [this] { return closing_; });
    if (closing_ || open_files_ == 0) continue;
    lk.unlock();
    Encoder e;
    e.str(name_);
    Status st = rpc_.callWithRetries(Method::kRenewLease, e.data(), nullptr);
    lk.lock();
    if (!st.ok()) {
      ++failed_renewals_;
      MINIDFS_LOG(kWarn) << name_ << ": lease renewal failed: " << st.toString();
      continue;
    }
    ++lease_renewals_;
  }
}

Status DFSClient::create(const std::string &path, int replication, bool overwrite,
                         std::unique_ptr<DFSOutputStream> *out) {
  Encoder e;
  e.str(path).u32(static_cast<uint32_t>(replication)).str(name_).boolean(overwrite);
  Status st = rpc_.callWithRetries(Method::kCreate, e.data(), nullptr);
  if (!st.ok()) return st;
  fileOpened();
  out->reset(new DFSOutputStream(*this, cfg_, path));
  return Status::OK();
}

Status DFSClient::writeFile(const std::string &path, const std::string &data, int replication) {
  std::unique_ptr<DFSOutputStream> out;
  Status st = create(path, replication, false, &out);
  if (!st.ok()) return st;
  st = out->write(data);
  if (!st.ok()) return st;
  return out->close();
}

Status DFSClient::readFile(const std::string &path, std::string *out) {
  DFSInputStream in(*this, cfg_, path);
  return in.readAll(out);
}

Status DFSClient::getBlockLocations(const std::string &path, FileLocations *out) {
  Encoder e;
  e.str(path);
  std::string resp;
  Status st = rpc_.callWithRetries(Method::kGetBlockLocations, e.data(), &resp);
  if (!st.ok()) return st;
  try {
    Decoder d(resp);
    *out = FileLocations::decode(d);
    d.expectEnd();
  } catch (const ProtocolError &ex) {
    return Status(Code::kBadRequest, ex.what());
  }
  return Status::OK();
}

Status DFSClient::remove(const std::string &path) {
  Encoder e;
  e.str(path);
  return rpc_.callWithRetries(Method::kDelete, e.data(), nullptr);
}

Status DFSClient::list(const std::string &prefix, std::vector<std::string> *out) {
  Encoder e;
  e.str(prefix);
  std::string resp;
  Status st = rpc_.callWithRetries(Method::kList, e.data(), &resp);
  if (!st.ok()) return st;
  try {
    Decoder d(resp);
    uint32_t n = d.count(4);
    out->clear();
    for (uint32_t i = 0; i < n; ++i) out->push_back(d.str());
    d.expectEnd();
  } catch (const ProtocolError &ex) {
    return Status(Code::kBadRequest, ex.what());
  }
  return Status::OK();
}

Status DFSClient::datanodeReport(std::vector<DatanodeStatus> *out) {
  std::string resp;
  Status st = rpc_.callWithRetries(Method::kDatanodeReport, std::string(), &resp);
  if (!st.ok()) return st;
  try {
    Decoder d(resp);
    *out = decodeDatanodeReport(d);
  } catch (const ProtocolError &ex) {
    return Status(Code::kBadRequest, ex.what());
  }
  return Status::OK();
}

Status DFSClient::addBlock(const std::string &path, const Block &previous, const std::vector<std::string> &excluded,
                           LocatedBlock *out) {
  Encoder e;
  e.str(path).str(name_);
  previous.encode(e);
  e.u32(static_cast<uint32_t>(excluded.size()));
  for (const std::string &x : excluded) e.str(x);
  std::string resp;
  Status st = rpc_.callWithRetries(Method::kAddBlock, e.data(), &resp);
  if (!st.ok()) return st;
  try {
    Decoder d(resp);
    *out = LocatedBlock::decode(d);
    d.expectEnd();
  } catch (const ProtocolError &ex) {
    return Status(Code::kBadRequest, ex.what());
  }
  return Status::OK();
}

Status DFSClient::abandonBlock(const std::string &path, uint64_t blockId) {
  Encoder e;
  e.str(path).str(name_).u64(blockId);
  return rpc_.callWithRetries(Method::kAbandonBlock, e.data(), nullptr);
}

Status DFSClient::complete(const std::string &path, const Block &last, bool *done) {
  Encoder e;
  e.str(path).str(name_);
  last.encode(e);
  std::string resp;
  Status st = rpc_.callWithRetries(Method::kComplete, e.data(), &resp);
  if (!st.ok()) return st;
  try {
    Decoder d(resp);
    *done = d.boolean();
    d.expectEnd();
  } catch (const ProtocolError &ex) {
    return Status(Code::kBadRequest, ex.what());
  }
  return Status::OK();
}

Status DFSClient::reportBadBlock(uint64_t blockId, const std::string &dnId) {
  Encoder e;
  e.u64(blockId).str(dnId);
  return rpc_.callWithRetries(Method::kReportBadBlock, e.data(), nullptr);
}

}  // namespace minidfs
