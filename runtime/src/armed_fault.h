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
//
// `skip` N: the first N matching opportunities (the armed site reached in a matching
// context; for delay faults a matching loop invocation at enter) are let pass, then the
// mode applies. Counted per process with one atomic (like `once` without a trace dir);
// with a trace dir `once` claims its O_EXCL file only once this process's counter has
// passed N. The counter is touched only at the armed site, so other sites pay nothing.
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
  std::atomic<uint64_t> opportunities{0};  // matching opportunities seen (for `skip`)

  bool isFault(uint64_t site) const { return plan.present && site == plan.fault; }
  bool contextMatches(uint64_t ctx) const { return plan.context == 0 || plan.context == ctx; }
  void markArmed(uint32_t k) {
    kind = k;
    armed.store(1, std::memory_order_relaxed);
  }
  // Counts one matching opportunity; true once more than `plan.skip` were seen.
  bool pastSkip() { return plan.skip == 0 || opportunities.fetch_add(1, std::memory_order_relaxed) >= plan.skip; }
  // Skip, then mode check; consumes `once`. Call only for the armed site in a matching
  // context, once per opportunity.
  bool decide();
  // Probability draw only (p= mode), used per iteration by delay faults.
  bool draw();
  void recordFire();
  void fillReceipt(trace::ReceiptRecord &r) const;
  void resetAfterFork();
};

ArmedFault &armedFault();

}  // namespace csnake::rt
