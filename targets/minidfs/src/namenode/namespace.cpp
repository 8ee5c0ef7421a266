#include "namenode/namespace.h"

namespace minidfs {

namespace {

void validatePath(const std::string &path) {
  if (path.empty() || path[0] != '/' || path.back() == '/' || path.find("//") != std::string::npos) {
    throw DfsError(Code::kBadRequest, "invalid path '" + path + "'");
  }
}

}  // namespace

std::vector<uint64_t> Namespace::create(const std::string &path, int replication,
                                        const std::string &holder, bool overwrite) {
  validatePath(path);
  if (replication < 1) throw DfsError(Code::kBadRequest, "replication must be >= 1");
  std::vector<uint64_t> released;
  auto it = files_.find(path);
  if (it != files_.end()) {
    if (!overwrite) throw DfsError(Code::kAlreadyExists, path + " exists");
    if (it->second.under_construction && it->second.lease_holder != holder) {
      throw DfsError(Code::kAlreadyExists, path + " is being written by " + it->second.lease_holder);
    }
    released = it->second.blocks;
    files_.erase(it);
  }
  INodeFile f;
  f.path = path;
  f.replication = replication;
  f.lease_holder = holder;
  files_.emplace(path, std::move(f));
  return released;
}

INodeFile &Namespace::get(const std::string &path) {
  auto it = files_.find(path);
  if (it == files_.end()) throw DfsError(Code::kNotFound, path + " not found");
  return it->second;
}

INodeFile *Namespace::find(const std::string &path) {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

INodeFile &Namespace::getUnderConstruction(const std::string &path, const std::string &holder) {
  INodeFile &f = get(path);
  if (!f.under_construction || f.lease_holder != holder) {
    throw DfsError(Code::kLeaseExpired, holder + " does not hold the lease on " + path);
  }
  return f;
}

std::vector<uint64_t> Namespace::remove(const std::string &path) {
  auto it = files_.find(path);
  if (it == files_.end()) throw DfsError(Code::kNotFound, path + " not found");
  std::vector<uint64_t> blocks = std::move(it->second.blocks);
  files_.erase(it);
  return blocks;
}

std::vector<std::string> Namespace::list(const std::string &prefix) const {
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->first);
  }
  return out;
}

}  // namespace minidfs
