#include "coordinator/coordinator.h"

#include <algorithm>
#include <thread>

#include "common/log.h"

namespace kvshard {

namespace {

RpcServerOptions serverOptions(const Config &cfg) {
  RpcServerOptions o;
  o.node = "coord";
  o.handler_threads = cfg.coord_handler_threads;
  o.queue_capacity = static_cast<size_t>(cfg.coord_queue_capacity);
  o.max_frame_bytes = static_cast<size_t>(cfg.max_frame_bytes);
  return o;
}

}  // namespace

Coordinator::Coordinator(const Config &cfg, int initialNodes)
    : cfg_(cfg),
      initial_nodes_(std::max(1, initialNodes)),
      placement_(cfg.num_shards),
      liveness_(cfg, registry_, placement_),
      rebalancer_(cfg, registry_, placement_),
      server_(serverOptions(cfg)) {
  server_.handle(Method::kRegisterNode, [this](Reader &d) { return onRegisterNode(d); });
  server_.handle(Method::kRenewLease, [this](Reader &d) { return onRenewLease(d); });
  server_.handle(Method::kGetMap, [this](Reader &d) { return onGetMap(d); });
  server_.handle(Method::kHandoffDone, [this](Reader &d) { return onHandoffDone(d); });
  server_.handle(Method::kStats, [this](Reader &d) { return onStats(d); });
}

Coordinator::~Coordinator() { stop(); }

Status Coordinator::start(uint16_t port) {
  Status st = server_.start(port);
  if (!st.ok()) return st;
  liveness_.start();
  rebalancer_.start();
  started_ = true;
  return Status::OK();
}

void Coordinator::stop() {
  if (!started_) return;
  started_ = false;
  rebalancer_.stop();
  liveness_.stop();
  server_.stop();
}

void Coordinator::maybeAssignInitialLocked() {
  if (placement_.assigned()) return;
  if (static_cast<int>(registry_.nodesLocked().size()) < initial_nodes_) return;
  std::vector<NodeAddress> nodes;
  for (const auto &kv : registry_.nodesLocked()) nodes.push_back(kv.second.addr);
  placement_.assignInitial(nodes);
  KV_LOG(kInfo) << "initial placement over " << nodes.size() << " nodes";
}

std::string Coordinator::onRegisterNode(Reader &d) {
  RegisterNodeRequest req = RegisterNodeRequest::decode(d);
  std::lock_guard<std::mutex> lk(registry_.mu);
  NodeInfo *known = registry_.findLocked(req.node.id);
  bool returning = known != nullptr;
  NodeInfo &node = registry_.upsertLocked(req.node);
  if (returning) {
    if (!node.alive) ++readmissions_;
    placement_.updateAddress(req.node);
  }
  node.alive = true;
  node.lease_expiry = Clock::now() + cfg_.lease_duration;
  ++registrations_;
  maybeAssignInitialLocked();
  RegisterNodeResponse resp;
  resp.num_shards = static_cast<uint32_t>(placement_.numShards());
  resp.owned = placement_.assignmentsOf(req.node.id);
  return resp.encode();
}

std::vector<NodeCommand> Coordinator::takeCommandsLocked(NodeInfo &node) {
  std::vector<NodeCommand> cmds;
  cmds.swap(node.commands);
  // Shards lost at an expiry go to whoever owns them now.
  for (uint32_t shard : node.lost_shards) {
    ShardRoute r = placement_.route(shard);
    if (r.owner.empty() || r.owner.id == node.addr.id) continue;
    cmds.push_back(NodeCommand{CommandType::kHandoff, shard, r.owner});
  }
  node.lost_shards.clear();
  return cmds;
}

std::string Coordinator::onRenewLease(Reader &d) {
  RenewLeaseRequest req = RenewLeaseRequest::decode(d);
  std::lock_guard<std::mutex> lk(registry_.mu);
  NodeInfo *node = registry_.findLocked(req.node);
  if (node == nullptr) throw NotFoundError("node " + req.node + " is not registered");
  // The lease runs from the moment this handler runs, not from when the node sent it.
  node->lease_expiry = Clock::now() + cfg_.lease_duration;
  node->load = req.load;
  node->hot_shard = req.hot_shard;
  if (!node->alive) {
    // A false expiry: the node is back, but its shards stay with their new owners.
    node->alive = true;
    ++readmissions_;
    KV_LOG(kInfo) << req.node << " re-admitted after expiry";
  }
  ++renewals_;
  maybeAssignInitialLocked();
  RenewLeaseResponse resp;
  resp.owned = placement_.assignmentsOf(req.node);
  resp.commands = takeCommandsLocked(*node);
  return resp.encode();
}

std::string Coordinator::onGetMap(Reader &d) {
  d.requireEnd();
  ++get_maps_;
  int64_t delay = get_map_delay_ms_;
  if (delay > 0) std::this_thread::sleep_for(Millis(delay));
  return placement_.snapshot().encode();
}

std::string Coordinator::onHandoffDone(Reader &d) {
  HandoffDoneRequest req = HandoffDoneRequest::decode(d);
  std::lock_guard<std::mutex> lk(registry_.mu);
  registry_.pending_moves.erase(req.shard);
  ++handoffs_done_;
  HandoffDoneResponse resp;
  ShardRoute r = placement_.route(req.shard);
  NodeInfo *target = registry_.findLocked(req.target);
  if (req.ok && r.owner.id == req.node && target != nullptr && target->alive) {
    resp.epoch = placement_.reassign(req.shard, target->addr);
    resp.owner_is_target = true;
  } else {
    resp.owner_is_target = r.owner.id == req.target;
    resp.epoch = r.epoch;
  }
  return resp.encode();
}

std::string Coordinator::onStats(Reader &d) {
  d.requireEnd();
  return encodeStats(stats());
}

StatsMap Coordinator::stats() const {
  StatsMap s;
  {
    std::lock_guard<std::mutex> lk(registry_.mu);
    s["nodes"] = registry_.nodesLocked().size();
    s["live_nodes"] = static_cast<uint64_t>(registry_.liveCountLocked());
    s["pending_moves"] = registry_.pending_moves.size();
  }
  s["registrations"] = registrations_;
  s["renewals"] = renewals_;
  s["readmissions"] = readmissions_;
  s["get_map_calls"] = get_maps_;
  s["handoffs_done"] = handoffs_done_;
  s["expirations"] = liveness_.expirations();
  s["reassignments"] = liveness_.reassignments();
  s["rebalance_moves"] = rebalancer_.movesQueued();
  s["epoch_bumps"] = placement_.epochBumps();
  s["placement_assigned"] = placement_.assigned() ? 1 : 0;
  RpcServerStats rs = server_.stats();
  s["rpc_calls"] = rs.calls;
  s["rpc_overloaded"] = rs.overloaded;
  s["rpc_errors"] = rs.errors;
  s["rpc_malformed"] = rs.malformed;
  return s;
}

bool Coordinator::nodeAlive(const std::string &id) const {
  std::lock_guard<std::mutex> lk(registry_.mu);
  const NodeInfo *n = registry_.findLocked(id);
  return n != nullptr && n->alive;
}

bool Coordinator::requestMove(uint32_t shard, const std::string &target) {
  std::lock_guard<std::mutex> lk(registry_.mu);
  ShardRoute r = placement_.route(shard);
  NodeInfo *owner = registry_.findLocked(r.owner.id);
  NodeInfo *to = registry_.findLocked(target);
  if (owner == nullptr || to == nullptr || !owner->alive || !to->alive || owner == to) return false;
  if (registry_.pending_moves.count(shard) != 0) return false;
  owner->commands.push_back(NodeCommand{CommandType::kHandoff, shard, to->addr});
  registry_.pending_moves[shard] = target;
  return true;
}

}  // namespace kvshard
