// Effects (DESIGN.md §2) found by fault causality analysis of one injection experiment.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "csnake/campaigndb/campaign_data.h"

namespace csnake::analyzer {

enum class EffectType { E, SPlus, ParentDelay };
const char *effectTypeName(EffectType t);  // "E", "S+", "parent_delay" (the stored names)
bool parseEffectType(const std::string &s, EffectType &out);

struct Effect {
  int64_t experimentId = 0;
  int64_t testId = 0;
  SiteRef cause, causeContext;  // the injected fault; a delay fault is (L, L)
  bool causeIsDelay = false;
  EffectType type = EffectType::E;
  SiteRef site;      // the loop the effect is in (E of a new event: the event's context loop)
  SiteRef callsig;   // "" when the effect is not per call site (new fault events)
  std::string rule;  // new_path, new_event, more_iterations, new_loop, parent_delay
  // E effects: what the new behaviour touches in the effect loop, for the continuation
  // rule of the stitching grammar (graph/continuation.h). `reached`: every site decided
  // in a new path (and the site of a new event); `failed`: fault sites whose failure
  // happened on its own in the new behaviour (a new fault event, an event decision, or a
  // THROW/ERROR_RETURN guard decided on its fault side in a new path).
  std::set<SiteRef> reached, failed;
  nlohmann::json evidence;
};

}  // namespace csnake::analyzer
