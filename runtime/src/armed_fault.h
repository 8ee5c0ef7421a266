// ArmedFault: the plan of this run and the decision "fire now?", plus the fired receipt.
//
// Modes: `always` fires every time the armed site is reached in a matching context;
// `p=X` fires with probability X (deterministic xorshift stream from `seed`);
// `once` fires once per run: with a trace dir, the first process to create
// TRACE_DIR/once-<fault>.fired (O_CREAT|O_EXCL) wins, so one plan can be handed to every
// process of a multi-process test; without a trace dir, once per process.
// For LOOP (delay) faults the decision is taken per loop invocation at enter: `once`
// delays every iteration of the first matching invocation, `always` every iteration of
// every matching invocation, `p=X` each iteration independently with probability X.
#pragma once

#include "plan_loader.h"
#include "rt_common.h"

namespace csnake::rt {

struct ArmedFault {
  Plan plan;
  std::atomic<uint32_t> armed{0};  // the plan's site is registered here
  uint32_t kind = 0;
  std::atomic<uint32_t> fired{0};
  std::atomic<uint64_t> fireCount{0};
  std::atomic<uint64_t> firstFireNs{0};
  std::atomic<uint32_t> onceState{0};  // 0 = unclaimed, 1 = claimed, 2 = lost/spent
  std::atomic<uint64_t> rngCounter{0};

  bool isFault(uint64_t site) const { return plan.present && site == plan.fault; }
  bool contextMatches(uint64_t ctx) const { return plan.context == 0 || plan.context == ctx; }
  void markArmed(uint32_t k) {
    kind = k;
    armed.store(1, std::memory_order_relaxed);
  }
  // Mode check; consumes `once`. Call only for the armed site in a matching context.
  bool decide();
  // Probability draw only (p= mode), used per iteration by delay faults.
  bool draw();
  void recordFire();
  void fillReceipt(trace::ReceiptRecord &r) const;
  void resetAfterFork();
};

ArmedFault &armedFault();

}  // namespace csnake::rt
