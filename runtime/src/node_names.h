// NodeNames: interns node names ("dn1", "nn") into small ids carried by every record, and
// keeps the per-thread and process-default node. Interning takes a spin lock: it happens
// only in csnake_set_node and at init, never in a recording hook.
#pragma once

#include "rt_common.h"

namespace csnake::rt {

// Returns the id (>= 1) of NAME, 0 for an empty name or a full table (counted).
uint32_t internNode(const char *name);
// Name of an id; "" for 0 / unknown. Stable pointer.
const char *nodeName(uint32_t id);
uint32_t nodeCount();  // ids 1..nodeCount() are valid

// Process default node id (CSNAKE_NODE, or the first csnake_set_node call).
uint32_t processNode();
void setProcessNodeFromEnv(uint32_t id);
// csnake_set_node semantics: the first call also sets the process default.
void setProcessNodeFromApi(uint32_t id);

}  // namespace csnake::rt
