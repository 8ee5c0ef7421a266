// A run's state machine (docs/architecture.md, "Run states"):
//   planned -> running -> done | failed | timed_out | not_fired
// The names are what the campaign database stores in runs.state and what every command
// prints; this file is the only place that spells them.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace csnake {

enum class RunState { Planned, Running, Done, Failed, TimedOut, NotFired };

inline constexpr std::array<RunState, 6> kAllRunStates = {RunState::Planned, RunState::Running,  RunState::Done,
                                                          RunState::Failed,  RunState::TimedOut, RunState::NotFired};

const char *runStateName(RunState s);  // "planned", "running", "done", "failed", "timed_out", "not_fired"
std::optional<RunState> parseRunState(std::string_view name);
// done, failed, timed_out, not_fired: the run will not change again.
bool isFinal(RunState s);

}  // namespace csnake
