// An experiment is one test run R times with nothing armed (a profile) or with exactly one
// fault armed (an injection) (DESIGN.md §2, "Run"). The names are what the campaign
// database stores in experiments.kind.
#pragma once

#include <optional>
#include <string_view>

namespace csnake {

enum class ExperimentKind { Profile, Injection };

const char *experimentKindName(ExperimentKind k);  // "profile", "injection"
std::optional<ExperimentKind> parseExperimentKind(std::string_view name);

}  // namespace csnake
