// NodeNames implementation.
#include "node_names.h"

#include <sched.h>
#include <cstring>

namespace csnake::rt {

namespace {
struct NodeSlot {
  char name[56];
};
NodeSlot g_nodes[kNodeCapacity + 1];  // index 0 unused
std::atomic<uint32_t> g_count{0};
std::atomic_flag g_lock = ATOMIC_FLAG_INIT;
std::atomic<uint32_t> g_processNode{0};
std::atomic<bool> g_setByApi{false};
}  // namespace

uint32_t internNode(const char *name) {
  if (!name || !*name) return 0;
  char buf[56] = {};
  strncpy(buf, name, sizeof buf - 1);
  uint32_t n = g_count.load(std::memory_order_acquire);
  for (uint32_t i = 1; i <= n; ++i)
    if (strcmp(g_nodes[i].name, buf) == 0) return i;
  while (g_lock.test_and_set(std::memory_order_acquire)) sched_yield();
  n = g_count.load(std::memory_order_relaxed);
  uint32_t id = 0;
  for (uint32_t i = 1; i <= n; ++i)
    if (strcmp(g_nodes[i].name, buf) == 0) id = i;
  if (!id && n < kNodeCapacity) {
    id = n + 1;
    memcpy(g_nodes[id].name, buf, sizeof buf);
    g_count.store(id, std::memory_order_release);
  }
  g_lock.clear(std::memory_order_release);
  if (!id) bump(stats().nodesDropped);
  return id;
}

const char *nodeName(uint32_t id) {
  if (id == 0 || id > g_count.load(std::memory_order_acquire)) return "";
  return g_nodes[id].name;
}

uint32_t nodeCount() { return g_count.load(std::memory_order_acquire); }

uint32_t processNode() { return g_processNode.load(std::memory_order_relaxed); }

void setProcessNodeFromEnv(uint32_t id) {
  if (!g_setByApi.load()) g_processNode.store(id);
}

void setProcessNodeFromApi(uint32_t id) {
  bool expected = false;
  if (g_setByApi.compare_exchange_strong(expected, true)) g_processNode.store(id);
  markDirty();
}

}  // namespace csnake::rt
