#include "client/kv_client.h"

#include <thread>

#include "common/log.h"
#include "wire/hashing.h"

namespace kvshard {

KvClient::KvClient(const Config &cfg, const std::string &coordHost, uint16_t coordPort)
    : cfg_(cfg), coordinator_(coordHost, coordPort, channelOptions(cfg)), nodes_(channelOptions(cfg)) {}

Status KvClient::put(const std::string &key, const std::string &value) {
  return execute(Op::kPut, key, &value, nullptr);
}

Status KvClient::get(const std::string &key, std::string *value) { return execute(Op::kGet, key, nullptr, value); }

Status KvClient::del(const std::string &key) { return execute(Op::kDelete, key, nullptr, nullptr); }

Status KvClient::refreshRoutes() {
  ++refreshes_;
  std::string bytes;
  Status st = coordinator_.call(Method::kGetMap, std::string(), &bytes);
  if (!st.ok()) return st;
  try {
    Reader d(bytes);
    cache_.replace(PlacementMap::decode(d));
  } catch (const ProtocolError &e) {
    return Status(Code::kBadRequest, e.what());
  }
  return Status::OK();
}

ClientMetrics KvClient::metrics() const {
  ClientMetrics m;
  m.operations = operations_;
  m.attempts = attempts_;
  m.refreshes = refreshes_;
  m.redirects = redirects_;
  m.wrong_owner = wrong_owner_;
  m.timeouts = timeouts_;
  m.overloaded = overloaded_;
  m.failures = failures_;
  return m;
}

void KvClient::backoffBeforeRetry(int attempt) {
  if (cfg_.retry_backoff == RetryBackoff::kNone) return;
  std::this_thread::sleep_for(exponentialBackoff(attempt - 1, cfg_.retry_base_backoff, cfg_.retry_max_backoff));
}

// Retry loop of one client operation.
Status KvClient::execute(Op op, const std::string &key, const std::string *value, std::string *out) {
  ++operations_;
  // Both policies need a first map; only the eager one goes back to the coordinator later.
  if (!cache_.loaded()) {
    Status st = refreshRoutes();
    if (!st.ok()) {
      ++failures_;
      return st;
    }
  }
  uint32_t shard = shardFor(key, static_cast<int>(cache_.numShards()));
  Status last(Code::kUnavailable, "no attempt made");
  for (int attempt = 0; attempt < cfg_.max_attempts; ++attempt) {
    if (attempt > 0) backoffBeforeRetry(attempt);
    ++attempts_;
    ShardRoute route = cache_.lookup(shard);
    if (route.owner.empty()) {
      last = Status(Code::kUnavailable, "shard " + std::to_string(shard) + " has no owner");
      if (cfg_.route_refresh == RouteRefresh::kEager) refreshRoutes();
      continue;
    }
    std::string detail;
    last = callOwner(route, op, key, value, out, &detail);
    if (last.ok() || last.code() == Code::kNotFound) return last;
    switch (last.code()) {
      case Code::kWrongOwner:
      case Code::kStaleEpoch:
        ++wrong_owner_;
        repairRoute(shard, detail);
        break;
      case Code::kTimeout:
      case Code::kUnavailable:
        ++timeouts_;
        if (cfg_.route_refresh == RouteRefresh::kEager) refreshRoutes();
        break;
      case Code::kOverloaded:
        ++overloaded_;
        break;
      default:
        // IO_ERROR, INTERNAL, BAD_REQUEST: the node answered; retrying will not help.
        ++failures_;
        return last;
    }
  }
  ++failures_;
  return last;
}

// After WRONG_OWNER / STALE_EPOCH: eager refreshes the whole map, lazy follows the hint.
void KvClient::repairRoute(uint32_t shard, const std::string &detail) {
  if (cfg_.route_refresh == RouteRefresh::kEager) {
    refreshRoutes();
    return;
  }
  if (detail.empty()) return;
  try {
    OwnerHint hint = OwnerHint::decode(detail);
    if (cache_.redirect(shard, hint.owner, hint.epoch)) ++redirects_;
  } catch (const ProtocolError &e) {
    KV_LOG(kInfo) << "undecodable owner hint: " << e.what();
  }
}

Status KvClient::callOwner(const ShardRoute &route, Op op, const std::string &key, const std::string *value,
                           std::string *out, std::string *detail) {
  std::shared_ptr<RpcChannel> ch = nodes_.get(route.owner);
  std::string bytes;
  Status st;
  switch (op) {
    case Op::kGet:
      st = ch->call(Method::kGet, KeyRequest{route.shard, route.epoch, key}.encode(), &bytes, detail);
      if (st.ok()) {
        try {
          Reader d(bytes);
          std::string v = d.blob();
          d.requireEnd();
          if (out != nullptr) *out = std::move(v);
        } catch (const ProtocolError &e) {
          st = Status(Code::kBadRequest, e.what());
        }
      }
      break;
    case Op::kPut:
      st = ch->call(Method::kPut, PutRequest{route.shard, route.epoch, key, *value}.encode(), &bytes, detail);
      break;
    case Op::kDelete:
      st = ch->call(Method::kDelete, KeyRequest{route.shard, route.epoch, key}.encode(), &bytes, detail);
      break;
  }
  return st;
}

}  // namespace kvshard
