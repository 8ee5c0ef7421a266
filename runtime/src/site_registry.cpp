// SiteRegistry implementation.
#include "site_registry.h"

#include "armed_fault.h"

#include <unistd.h>
#include <cstdio>
#include <cstring>

namespace csnake::rt {

namespace {
SiteInfo g_sites[kSiteCapacity];

void writeStderr(const char *msg) {
  ssize_t r = write(2, msg, strlen(msg));
  (void)r;
}

void insertSite(const csnake_site_record &r) {
  uint64_t id = r.id ? r.id : 1;
  for (uint32_t i = 0; i < kSiteCapacity; ++i) {
    SiteInfo &s = g_sites[(mix64(id) + i) & (kSiteCapacity - 1)];
    uint64_t cur = s.id.load(std::memory_order_acquire);
    if (cur == id) return;
    if (cur == 0) {
      // Registration runs in module constructors / dlopen, which the loader serialises;
      // the release store publishes the fields to hook threads.
      s.parentLoop = r.parent_loop;
      s.kind = r.kind;
      s.flags = r.flags;
      s.id.store(id, std::memory_order_release);
      bump(stats().sitesRegistered);
      return;
    }
  }
}
}  // namespace

const SiteInfo *findSite(uint64_t id) {
  for (uint32_t i = 0; i < kMaxProbe * 4; ++i) {
    const SiteInfo &s = g_sites[(mix64(id) + i) & (kSiteCapacity - 1)];
    uint64_t cur = s.id.load(std::memory_order_acquire);
    if (cur == id) return &s;
    if (cur == 0) return nullptr;
  }
  return nullptr;
}

bool registerModule(const csnake_module_header *table, uint8_t *state) {
  if (!table) return false;
  if (std::memcmp(table->magic, CSNAKE_MODULE_MAGIC, sizeof table->magic) != 0) {
    writeStderr("csnake: ignoring a module site table with a bad magic\n");
    bump(stats().modulesRejected);
    return false;
  }
  if (table->abi_version != CSNAKE_ABI_VERSION) {
    char buf[200];
    snprintf(buf, sizeof buf, "csnake: ignoring a module built for ABI version %u (runtime has %u); rebuild it\n",
             table->abi_version, CSNAKE_ABI_VERSION);
    writeStderr(buf);
    bump(stats().modulesRejected);
    return false;
  }
  const auto *recs = reinterpret_cast<const csnake_site_record *>(table + 1);
  const Config &cfg = config();
  const ArmedFault &af = armedFault();
  bool observeLoops = af.plan.present && af.plan.context != 0;
  for (uint32_t i = 0; i < table->n_sites; ++i) {
    const csnake_site_record &r = recs[i];
    insertSite(r);
    uint8_t s = cfg.tracing ? CSNAKE_STATE_OBSERVE : 0;
    if (observeLoops && r.kind == CSNAKE_KIND_LOOP) s |= CSNAKE_STATE_OBSERVE;
    if (af.plan.present && r.id == af.plan.fault) {
      s |= CSNAKE_STATE_ARMED | CSNAKE_STATE_OBSERVE;
      armedFault().markArmed(r.kind);
    }
    if (state) __atomic_store_n(&state[i], s, __ATOMIC_RELAXED);
  }
  bump(stats().modulesRegistered);
  return true;
}

}  // namespace csnake::rt
