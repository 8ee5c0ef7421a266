#include "client/dfs_output_stream.h"

#include <algorithm>
#include <thread>

#include "client/dfs_client.h"
#include "common/log.h"
#include "datanode/data_transfer.h"

namespace minidfs {

DFSOutputStream::DFSOutputStream(DFSClient &client, const Config &cfg, std::string path)
    : client_(client), cfg_(cfg), path_(std::move(path)) {}

DFSOutputStream::~DFSOutputStream() {
  // An unclosed stream leaves its file to lease recovery, like a crashed writer.
  if (!closed_) client_.fileClosed();
}

Status DFSOutputStream::write(const std::string &data) {
  if (closed_) return Status(Code::kBadRequest, "stream closed");
  buffer_.append(data);
  size_t blockSize = static_cast<size_t>(cfg_.block_size);
  while (buffer_.size() >= blockSize) {
    Status st = writeBlock(buffer_.substr(0, blockSize));
    if (!st.ok()) return st;
    buffer_.erase(0, blockSize);
  }
  return Status::OK();
}

Status DFSOutputStream::writeBlock(const std::string &data) {
  LocatedBlock lb;
  Status st = client_.addBlock(path_, previous_, excluded_, &lb);
  if (!st.ok()) return st;
  BlockSource source = [&data](uint64_t offset, size_t len) { return data.substr(offset, len); };
  Status last;
  for (int attempt = 0; attempt < cfg_.write_attempts; ++attempt) {
    int badIndex = -1;
    Status ps = writeBlockToPipeline(cfg_, lb.block, lb.locations, client_.name(), source, data.size(), &badIndex);
    if (!ps.ok()) {
      last = ps;
      client_.countPipelineRecovery();
      bool known = badIndex >= 0 && static_cast<size_t>(badIndex) < lb.locations.size();
      MINIDFS_LOG(kInfo) << "pipeline for block " << lb.block.id << " failed"
                         << (known ? " at " + lb.locations[static_cast<size_t>(badIndex)].id : std::string())
                         << ": " << ps.toString();
      if (cfg_.fast_failover) {
        // Replace the pipeline: give the block up and start over on nodes that did not
        // fail us.
        if (known) excluded_.push_back(lb.locations[static_cast<size_t>(badIndex)].id);
        Status as = client_.abandonBlock(path_, lb.block.id);
        if (!as.ok()) {
          MINIDFS_LOG(kInfo) << "abandon of block " << lb.block.id << " failed: " << as.toString();
        }
        Status nb = client_.addBlock(path_, previous_, excluded_, &lb);
        if (!nb.ok()) return nb;
      } else {
        // Keep the block: drop the failed node and resend to the survivors, which keep
        // the prefix they already stored. Unknown failures are retried as transient.
        if (known && lb.locations.size() > 1) lb.locations.erase(lb.locations.begin() + badIndex);
        std::this_thread::sleep_for(backoffFor(attempt, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
      }
      continue;
    }
    previous_ = lb.block;
    previous_.num_bytes = data.size();
    return Status::OK();
  }
  return Status(last.code(), "block of " + path_ + " failed after " + std::to_string(cfg_.write_attempts) +
                                 " attempts: " + last.message());
}

Status DFSOutputStream::close() {
  if (closed_) return Status::OK();
  if (!buffer_.empty()) {
    Status st = writeBlock(buffer_);
    if (!st.ok()) return st;
    buffer_.clear();
  }
  for (int attempt = 0; attempt < cfg_.complete_attempts; ++attempt) {
    bool done = false;
    Status st = client_.complete(path_, previous_, &done);
    if (!st.ok()) return st;
    if (done) {
      closed_ = true;
      client_.fileClosed();
      return Status::OK();
    }
    // The DataNodes' incremental reports for the last block have not all reached the
    // NameNode yet.
    client_.countCompleteRetry();
    std::this_thread::sleep_for(backoffFor(attempt, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
  }
  return Status(Code::kNotReplicated, "could not complete " + path_ + ": last block not reported");
}

}  // namespace minidfs
