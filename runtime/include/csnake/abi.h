/*
 * csnake pass <-> runtime ABI.
 *
 * This is the one contract between the instrumentation pass (passes/) and the runtime
 * linked into instrumented binaries (runtime/). Both sides include this header; the pass
 * uses the constants and symbol names, the runtime implements the hooks. Bump
 * CSNAKE_ABI_VERSION whenever a layout, a hook signature or a constant changes: the
 * runtime refuses (with a one-line message) modules built for another version.
 *
 * Per instrumented module the pass emits:
 *   - a site table blob (struct csnake_module_header, then n_sites struct
 *     csnake_site_record, then a string table), placed in the ELF section
 *     CSNAKE_SITE_SECTION. The blob holds no pointers, so `csnake sites BINARY` can read
 *     the catalogue straight from the file; the linker concatenates the blobs of all
 *     modules (each is 8-byte aligned and self-sized).
 *   - a state array `uint8_t state[n_sites]` (internal, zero-initialised): state[i] is the
 *     runtime's switch for site i. The inline disarmed check at a site is a single load
 *     of state[i] and a branch; hooks are only called when the byte is non-zero.
 *   - a constructor calling __csnake_register_module(blob, state).
 *   - its instrumentation root in CSNAKE_ROOTS_SECTION (also when it has no site).
 *
 * Site ids (DESIGN.md §2) are 64-bit FNV-1a hashes of
 *   "<file relative to project root>\0<mangled function>\0<kind>\0<line - function line>\0<ordinal>"
 * so they survive rebuilds and edits elsewhere, including lines added above the function.
 * Exactly (passes/SiteId.cpp): <kind> is the upper-case name THROW / ERROR_RETURN /
 * LIBCALL / LOOP / BRANCH, the line delta (may be negative) and the ordinal are decimal;
 * the ordinal numbers the sites of the same (kind, line delta) in the function in IR
 * order (LOOPs by header position). FNV-1a 64: offset 0xcbf29ce484222325, prime
 * 0x100000001b3, over the bytes including the four NUL separators.
 */
#ifndef CSNAKE_ABI_H
#define CSNAKE_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CSNAKE_ABI_VERSION 1u

/* ELF section holding the site tables (a C identifier, so the linker also provides
 * __start_csnake_sites / __stop_csnake_sites). */
#define CSNAKE_SITE_SECTION "csnake_sites"
#define CSNAKE_MODULE_MAGIC "CSNKMOD" /* 8 bytes with the terminating NUL */
/* ELF section holding, for every module the pass instrumented (even one with no site),
 * the instrumentation root it used as a NUL-terminated string (empty: no root). Only
 * read by tools: it tells "built with csnake, but every source lies outside root R"
 * from "not built with csnake" when a binary has no CSNAKE_SITE_SECTION. */
#define CSNAKE_ROOTS_SECTION "csnake_roots"

/* Environment interface of the runtime. */
#define CSNAKE_ENV_PLAN "CSNAKE_PLAN"           /* path of a JSON injection plan */
#define CSNAKE_ENV_TRACE_DIR "CSNAKE_TRACE_DIR" /* directory for trace files; unset = no trace */
#define CSNAKE_ENV_NODE "CSNAKE_NODE"           /* default node name of the process */
/* Compile-time: project root against which site files are made relative. */
#define CSNAKE_ENV_ROOT "CSNAKE_ROOT"

enum csnake_site_kind {
  CSNAKE_KIND_THROW = 1,        /* guard whose taken side reaches a throw, or a plain throw */
  CSNAKE_KIND_ERROR_RETURN = 2, /* branch on a call result leading to an error path */
  CSNAKE_KIND_LIBCALL = 3,      /* libc call that can fail */
  CSNAKE_KIND_LOOP = 4,         /* natural loop */
  CSNAKE_KIND_BRANCH = 5        /* plain conditional branch inside a loop (path signatures only) */
};

/* The one spelling of each kind, used in site ids (the hash input above), the catalogue,
 * the campaign database and every printed name. NULL for a value that is not a kind. */
static inline const char *csnake_site_kind_name(uint32_t kind) {
  switch (kind) {
    case CSNAKE_KIND_THROW: return "THROW";
    case CSNAKE_KIND_ERROR_RETURN: return "ERROR_RETURN";
    case CSNAKE_KIND_LIBCALL: return "LIBCALL";
    case CSNAKE_KIND_LOOP: return "LOOP";
    case CSNAKE_KIND_BRANCH: return "BRANCH";
    default: return 0;
  }
}
#define CSNAKE_KIND_FIRST CSNAKE_KIND_THROW
#define CSNAKE_KIND_LAST CSNAKE_KIND_BRANCH

/* csnake_site_record.flags */
enum csnake_site_flag {
  CSNAKE_FLAG_LOOP_IO = 1u << 0,         /* loop body (or a callee in the module) does I/O */
  CSNAKE_FLAG_LOOP_SLEEPS = 1u << 1,     /* every iteration sleeps or timed-waits (a timer) */
  CSNAKE_FLAG_LOOP_CONST_TRIP = 1u << 2, /* constant trip count */
  CSNAKE_FLAG_LOOP_SMALL = 1u << 3,      /* <= CSNAKE_SMALL_LOOP_INSTRUCTIONS incl. callees */
  CSNAKE_FLAG_PLAIN_THROW = 1u << 4,     /* THROW site that is a throw statement, not a guard:
                                            observed only, not injectable */
  CSNAKE_FLAG_FAULT_ON_TRUE = 1u << 5    /* THROW/ERROR_RETURN guard: the fault side is the
                                            branch's true successor (else the false one) */
};

#define CSNAKE_SMALL_LOOP_INSTRUCTIONS 10u

/* Exit status of a process whose plan (CSNAKE_PLAN) is missing, unreadable or malformed:
 * the runtime prints one line "csnake: plan FILE: problem" and _exit()s with it, so an
 * orchestrator can tell a broken experiment from a failing test. */
#define CSNAKE_EXIT_BAD_PLAN 86

/* state[i] bits, written by the runtime only. */
enum csnake_state_bit {
  CSNAKE_STATE_OBSERVE = 1u, /* call the hook: tracing, loop tracking for contexts */
  CSNAKE_STATE_ARMED = 2u    /* this site is the armed fault of the plan */
};

struct csnake_module_header {
  char magic[8];        /* CSNAKE_MODULE_MAGIC */
  uint32_t abi_version; /* CSNAKE_ABI_VERSION */
  uint32_t n_sites;
  uint32_t strtab_size; /* bytes of the string table after the records */
  uint32_t total_size;  /* header + records + strtab, rounded up to a multiple of 8 */
};

struct csnake_site_record {
  uint64_t id;
  uint64_t parent_loop; /* id of the innermost enclosing LOOP site in the function, 0 if none */
  uint32_t kind;        /* enum csnake_site_kind */
  uint32_t flags;       /* enum csnake_site_flag */
  uint32_t line;        /* absolute source line, for display only (never part of the id) */
  uint32_t column;
  uint32_t loop_size; /* LOOP: estimated instructions per iteration incl. callees */
  uint32_t file;      /* offsets into the module string table (NUL-terminated) */
  uint32_t function;  /* mangled name */
  uint32_t detail;    /* LIBCALL: callee name; THROW/ERROR_RETURN: the condition, e.g. "rc < 0" */
};

/* ---- csnake_site_record.detail: grammar ------------------------------------------------
 * Written by exactly one producer (passes/SiteDetail.cpp) and read by exactly one parser
 * (analyzer/compat/operand_key.cpp); tests/unit/analyzer/site_detail_test.cpp round-trips
 * the two. In bytes (ABNF-like; no byte of a detail is NUL, it is a C string):
 *
 *   detail  = text [ key ]
 *   text    = *( any byte except "|" )
 *               LIBCALL: the callee name ("recv"); plain THROW: "throw";
 *               THROW guard / ERROR_RETURN / BRANCH: the rendered branch condition
 *               ("rc < 0", at most 120 bytes). For display only: a "|" (or NUL) the
 *               renderer produces is written as CSNAKE_DETAIL_TEXT_ESCAPE, so the first
 *               "|" of a detail always starts the key.
 *   key     = "|op=" operand "|pred=" pred "|k=" int
 *   operand = 1*CSNAKE_DETAIL_OPERAND_MAX( any byte except "|" )
 *               names the value the condition compares with a constant: "this.field@16:Node",
 *               "global:g_mode", "load:this.field@24:Stream->@4", "arg#1:<fn hash>"
 *               (docs/instrumentation.md "Operand keys"). Never escaped: an operand
 *               the producer cannot write as is (empty, too long, containing "|") is
 *               refused and the whole key left out.
 *   pred    = one of CSNAKE_DETAIL_PREDS (LLVM's icmp predicate names)
 *   int     = [ "-" ] 1*DIGIT   a decimal int64 (std::to_string / strtoll)
 *
 * A key means "the branch condition (the i1 the branch tests, not the fault side) is true
 * iff (operand pred int)"; the analyzer's Z3 check ties sites with the same operand
 * together. A key is only written when exact: a wrong key rejects a real chain, a missing
 * one only makes the check boolean-only. The key never enters the site id.
 * Example: "retries_ > 3|op=this.field@16:Node|pred=sgt|k=3". */
#define CSNAKE_DETAIL_SEP '|'     /* starts the key and each of its fields */
#define CSNAKE_DETAIL_ASSIGN '='  /* between a field's name and its value */
#define CSNAKE_DETAIL_KEY_OP "op" /* field names, in this order */
#define CSNAKE_DETAIL_KEY_PRED "pred"
#define CSNAKE_DETAIL_KEY_K "k"
#define CSNAKE_DETAIL_OPERAND_MAX 160u /* bytes */
#define CSNAKE_DETAIL_TEXT_ESCAPE '?'  /* written for a "|" or NUL in text */
/* Initialiser list of the pred spellings: `const char *const p[] = {CSNAKE_DETAIL_PREDS};` */
#define CSNAKE_DETAIL_PREDS "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"

/* ---- hooks (implemented by libcsnake_rt) ------------------------------------------ */

/* Module constructor. */
void __csnake_register_module(const struct csnake_module_header *table, uint8_t *state);

/* LOOP. `frame` is llvm.frameaddress(0) of the function holding the loop; the runtime
 * keeps a per-thread stack of active loops and drops stale entries (a loop left by an
 * exception never calls exit) by comparing frames.
 *   enter: once per loop invocation, on the edge into the header from outside
 *   iter:  once per iteration, at the header (may sleep: delay faults)
 *   exit:  on each edge leaving the loop */
void __csnake_loop_enter(uint64_t loop_id, void *frame);
void __csnake_loop_iter(uint64_t loop_id, void *frame);
void __csnake_loop_exit(uint64_t loop_id, void *frame);

/* THROW guard / ERROR_RETURN branch. Receives the original branch condition, returns the
 * condition to use (forced to the fault side when the armed fault fires). Records the
 * branch decision and, when the fault side is taken, a fault event. Never throws. */
int __csnake_fault_branch(uint64_t site_id, int cond);

/* Plain conditional branch inside a loop: records the decision for the path signature. */
void __csnake_branch(uint64_t site_id, int cond);

/* A throw statement is about to execute (called right before __cxa_throw). */
void __csnake_throw(uint64_t site_id);

/* LIBCALL, slow path only (state byte non-zero):
 *   before: returns non-zero when the call must be skipped and fail; errno is then set
 *           and the caller uses -1 (or NULL for pointer results) as the result.
 *   after:  the real call returned `result` (pointer results cast to intptr); a failure
 *           (-1 / NULL) is recorded as a fault event with errno. */
int __csnake_libcall_before(uint64_t site_id);
void __csnake_libcall_after(uint64_t site_id, int64_t result, int is_pointer);

/* Node naming: sets the node name of the calling thread (and of the process, the first
 * time). Targets should declare it weak so they run without the runtime:
 *   extern "C" void csnake_set_node(const char *) __attribute__((weak));
 *   if (csnake_set_node) csnake_set_node("dn1");                                      */
void csnake_set_node(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CSNAKE_ABI_H */
