// The site catalogue of an instrumented binary, read straight from its ELF file (the
// csnake_sites section the pass emits, see runtime/include/csnake/abi.h), so sites can be
// listed and planned without running any test.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace csnake {

enum class SiteKind : uint32_t { Throw = 1, ErrorReturn = 2, Libcall = 3, Loop = 4, Branch = 5 };

const char *siteKindName(SiteKind kind);           // "THROW", "ERROR_RETURN", ...
bool parseSiteKind(const std::string &name, SiteKind &out);
std::string formatSiteId(uint64_t id);               // "0x" + 16 hex digits
bool parseSiteId(const std::string &text, uint64_t &out);  // accepts with or without 0x

struct FaultSite {
  uint64_t id = 0;
  SiteKind kind = SiteKind::Loop;
  uint32_t flags = 0;
  std::string file;       // relative to the project root of the build
  uint32_t line = 0;
  uint32_t column = 0;
  std::string function;   // mangled
  std::string demangled;  // human-readable
  uint64_t parentLoop = 0;
  uint32_t loopSize = 0;
  std::string detail;

  bool loopDoesIo() const;
  bool loopSleeps() const;
  bool loopConstTrip() const;
  bool loopSmall() const;
  bool plainThrow() const;
  // A LOOP site usable for delay faults (DESIGN.md §3.1): not small, no constant trip
  // count, not a timer.
  bool delayCandidate() const;
  // THROW guards, ERROR_RETURN branches and LIBCALLs can be injected; plain throws and
  // BRANCH sites are observed only.
  bool injectable() const;
};

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
