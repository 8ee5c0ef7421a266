// The site catalogue of an instrumented binary, read straight from its ELF file (the
// csnake_sites section the pass emits, see runtime/include/csnake/abi.h), so sites can be
// listed and planned without running any test.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "csnake/common/fault_site.h"
#include "csnake/common/site_id.h"

namespace csnake {

// One-line, file-naming error (bad ELF, no csnake section, bad table).
class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a binary carries of csnake, without parsing its site tables.
struct BinaryInstrumentation {
  bool hasSiteTable = false;       // a csnake_sites section
  bool builtWithCsnake = false;    // either section: the pass ran on some of its modules
  std::vector<std::string> roots;  // distinct roots from csnake_roots ("" = no root set)
};

class SiteCatalog {
 public:
  // Throws CatalogError for an unreadable or non-ELF file.
  static BinaryInstrumentation probeBinary(const std::string &path);
  // Throws CatalogError; "<path>: not built with csnake (no csnake_sites section)" when
  // the binary is not instrumented.
  static SiteCatalog fromBinary(const std::string &path);
  // Parses the concatenated module tables of a csnake_sites section.
  static SiteCatalog fromSectionBytes(const std::string &origin, const uint8_t *data, size_t size);
  // A catalogue of sites known otherwise (e.g. loaded from a campaign database).
  static SiteCatalog fromSites(std::vector<FaultSite> sites);

  const std::vector<FaultSite> &sites() const { return sites_; }
  const FaultSite *find(uint64_t id) const;
  size_t moduleCount() const { return modules_; }

 private:
  std::vector<FaultSite> sites_;
  std::unordered_map<uint64_t, size_t> byId_;
  size_t modules_ = 0;
};

}  // namespace csnake
