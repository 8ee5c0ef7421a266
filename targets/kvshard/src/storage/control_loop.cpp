#include "storage/control_loop.h"

#include <set>

#include "common/log.h"
#include "storage/storage_node.h"

namespace kvshard {

ControlLoop::ControlLoop(const Config &cfg, StorageNode &node) : cfg_(cfg), node_(node) {}

ControlLoop::~ControlLoop() { stop(); }

void ControlLoop::start() { thread_ = std::thread([this] { run(); }); }

void ControlLoop::stop() {
  stop_.stop();
  {
    std::lock_guard<std::mutex> lk(pause_mu_);
    paused_ = false;
  }
  pause_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ControlLoop::pause() {
  std::lock_guard<std::mutex> lk(pause_mu_);
  paused_ = true;
}

void ControlLoop::resume() {
  {
    std::lock_guard<std::mutex> lk(pause_mu_);
    paused_ = false;
  }
  pause_cv_.notify_all();
}

bool ControlLoop::paused() const {
  std::lock_guard<std::mutex> lk(pause_mu_);
  return paused_;
}

void ControlLoop::waitWhilePaused() {
  std::unique_lock<std::mutex> lk(pause_mu_);
  pause_cv_.wait(lk, [this] { return !paused_ || stop_.stopped(); });
}

// Main loop: renew, then run what the coordinator asked for, every renew_interval.
void ControlLoop::run() {
  nameThread(node_.id());
  while (stop_.sleepFor(cfg_.renew_interval)) {
    waitWhilePaused();
    if (stop_.stopped()) break;
    ++rounds_;
    RenewLeaseResponse resp;
    if (!renewLeaseWithRetry(&resp)) continue;
    applyAssignments(resp);
    executeCommands(resp.commands);
  }
}

// Bounded retry of RenewLease: renew_attempts attempts, exponential backoff between them;
// after the last one the round is abandoned until the next interval.
bool ControlLoop::renewLeaseWithRetry(RenewLeaseResponse *resp) {
  RenewLeaseRequest req = node_.loadReport();
  for (int attempt = 0; attempt < cfg_.renew_attempts; ++attempt) {
    if (attempt > 0 &&
        !stop_.sleepFor(exponentialBackoff(attempt - 1, cfg_.renew_backoff_base, cfg_.renew_backoff_max))) {
      return false;
    }
    ++renew_calls_;
    Clock::time_point sent = Clock::now();
    std::string bytes;
    Status st = node_.coordinator().call(Method::kRenewLease, req.encode(), &bytes);
    if (st.ok()) {
      try {
        Reader d(bytes);
        *resp = RenewLeaseResponse::decode(d);
      } catch (const ProtocolError &e) {
        st = Status(Code::kBadRequest, e.what());
      }
    }
    if (st.ok()) {
      node_.extendLease(sent + cfg_.lease_duration);
      ++renewals_;
      return true;
    }
    ++renew_failures_;
    KV_LOG(kInfo) << "RenewLease attempt " << attempt + 1 << ": " << st.toString();
    if (st.code() == Code::kNotFound) node_.registerWithCoordinator();  // coordinator lost us
  }
  ++give_ups_;
  return false;
}

// Shards the coordinator places here are (re)adopted; shards named by a HANDOFF stop
// being served before any streaming starts.
void ControlLoop::applyAssignments(const RenewLeaseResponse &resp) {
  std::set<uint32_t> leaving = stopServingHandedOff(resp.commands);
  for (const ShardAssignment &a : resp.owned) {
    if (leaving.count(a.shard) == 0) node_.store().adopt(a.shard, a.epoch);
  }
}

std::set<uint32_t> ControlLoop::stopServingHandedOff(const std::vector<NodeCommand> &commands) {
  std::set<uint32_t> leaving;
  for (const NodeCommand &c : commands) {
    if (c.type != CommandType::kHandoff) continue;
    leaving.insert(c.shard);
    node_.store().markLeaving(c.shard, c.target, 0);
  }
  return leaving;
}

// Command loop, inline on the control thread: a HANDOFF streams the whole shard before
// the next command (and the next lease renewal) can run.
void ControlLoop::executeCommands(const std::vector<NodeCommand> &commands) {
  for (const NodeCommand &cmd : commands) {
    if (stop_.stopped()) break;
    if (cmd.type == CommandType::kHandoff) {
      node_.mover().stream(cmd.shard, cmd.target);
    } else {
      try {
        node_.store().drop(cmd.shard);
      } catch (const KvError &e) {
        KV_LOG(kWarn) << "drop of shard " << cmd.shard << ": " << e.what();
      }
    }
  }
}

}  // namespace kvshard
