#include "csnake/common/run_state.h"

namespace csnake {

const char *runStateName(RunState s) {
  switch (s) {
    case RunState::Planned: return "planned";
    case RunState::Running: return "running";
    case RunState::Done: return "done";
    case RunState::Failed: return "failed";
    case RunState::TimedOut: return "timed_out";
    case RunState::NotFired: return "not_fired";
  }
  return "planned";
}

std::optional<RunState> parseRunState(std::string_view name) {
  for (RunState s : kAllRunStates)
    if (name == runStateName(s)) return s;
  return std::nullopt;
}

bool isFinal(RunState s) { return s != RunState::Planned && s != RunState::Running; }

}  // namespace csnake
