#include "csnake/common/experiment_kind.h"

namespace csnake {

const char *experimentKindName(ExperimentKind k) { return k == ExperimentKind::Profile ? "profile" : "injection"; }

std::optional<ExperimentKind> parseExperimentKind(std::string_view name) {
  if (name == "profile") return ExperimentKind::Profile;
  if (name == "injection") return ExperimentKind::Injection;
  return std::nullopt;
}

}  // namespace csnake
