#include "client/dfs_input_stream.h"

#include <thread>

#include "client/dfs_client.h"
#include "common/log.h"
#include "datanode/data_transfer.h"

namespace minidfs {

Status DFSInputStream::readAll(std::string *out) {
  Status last;
  for (int round = 0; round < cfg_.read_rounds; ++round) {
    if (round > 0) std::this_thread::sleep_for(backoffFor(round, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
    // Locations are fetched per round: after a failed round, re-replication or returning
    // DataNodes may have produced replicas we did not know about.
    FileLocations locations;
    Status st = client_.getBlockLocations(path_, &locations);
    if (!st.ok()) return st;
    std::string data;
    for (const LocatedBlock &lb : locations.blocks) {
      std::string block;
      st = readBlock(lb, &block);
      if (!st.ok()) break;
      data.append(block);
    }
    if (st.ok()) {
      *out = std::move(data);
      return Status::OK();
    }
    last = st;
  }
  return last;
}

Status DFSInputStream::readBlock(const LocatedBlock &lb, std::string *out) {
  if (lb.block.num_bytes == 0) {
    out->clear();
    return Status::OK();
  }
  Status last(Code::kUnavailable, "no live replica of block " + std::to_string(lb.block.id));
  for (const DatanodeInfo &dn : lb.locations) {
    Status st = readBlockFromDatanode(cfg_, dn, lb.block, out);
    if (!st.ok()) {
      last = st;
      client_.countReadFailover();
      MINIDFS_LOG(kInfo) << "read of block " << lb.block.id << " from " << dn.id << " failed: " << st.toString();
      if (st.code() == Code::kChecksum) {
        // Let the NameNode replace the bad replica from a good one.
        Status rs = client_.reportBadBlock(lb.block.id, dn.id);
        if (!rs.ok()) {
          MINIDFS_LOG(kWarn) << "could not report bad replica: " << rs.toString();
        }
      }
      continue;
    }
    return st;
  }
  return last;
}

}  // namespace minidfs
