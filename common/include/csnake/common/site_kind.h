// The kinds of fault site (DESIGN.md §2). Values and names are the ABI's
// (runtime/include/csnake/abi.h, csnake_site_kind_name): this enum only gives them a type.
#pragma once

#include <cstdint>
#include <string>

#include "csnake/abi.h"

namespace csnake {

enum class SiteKind : uint32_t {
  Throw = CSNAKE_KIND_THROW,
  ErrorReturn = CSNAKE_KIND_ERROR_RETURN,
  Libcall = CSNAKE_KIND_LIBCALL,
  Loop = CSNAKE_KIND_LOOP,
  Branch = CSNAKE_KIND_BRANCH,
};

const char *siteKindName(SiteKind kind);  // "THROW", "ERROR_RETURN", ...; "UNKNOWN" otherwise
bool parseSiteKind(const std::string &name, SiteKind &out);
// THROW, ERROR_RETURN and LIBCALL: the kinds whose faults are errors (not delays).
bool isErrorKind(SiteKind kind);

}  // namespace csnake
