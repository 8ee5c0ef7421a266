#include "site_catalog.h"

#include <csnake/abi.h>
#include <cxxabi.h>
#include <elf.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

namespace csnake {

namespace {

std::string demangle(const std::string &name) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                  &std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

[[noreturn]] void fail(const std::string &origin, const std::string &problem) {
  throw CatalogError(origin + ": " + problem);
}

std::string readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read error");
  return bytes;
}

// Locates a section by name in a 64-bit little-endian ELF image; returns false when the
// file is ELF but has no such section.
bool findElfSection(const std::string &path, const std::string &image, const char *wanted, size_t &offset,
                    size_t &size) {
  if (image.size() < sizeof(Elf64_Ehdr) || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0)
    fail(path, "not an ELF file");
  Elf64_Ehdr eh;
  std::memcpy(&eh, image.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    fail(path, "unsupported ELF class (only 64-bit little-endian)");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff == 0 ||
      eh.e_shoff + uint64_t(eh.e_shnum) * sizeof(Elf64_Shdr) > image.size() || eh.e_shstrndx >= eh.e_shnum)
    fail(path, "corrupt ELF section header table");
  auto shdr = [&](size_t i) {
    Elf64_Shdr s;
    std::memcpy(&s, image.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof s);
    return s;
  };
  Elf64_Shdr names = shdr(eh.e_shstrndx);
  if (names.sh_offset + names.sh_size > image.size()) fail(path, "corrupt section name table");
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr s = shdr(i);
    if (s.sh_name >= names.sh_size) continue;
    const char *name = image.data() + names.sh_offset + s.sh_name;
    size_t maxLen = names.sh_size - s.sh_name;
    if (strnlen(name, maxLen) == maxLen || std::strcmp(name, wanted) != 0) continue;
    if (s.sh_type == SHT_NOBITS || s.sh_offset + s.sh_size > image.size())
      fail(path, std::string("corrupt ") + wanted + " section");
    offset = s.sh_offset;
    size = s.sh_size;
    return true;
  }
  return false;
}

}  // namespace

BinaryInstrumentation SiteCatalog::probeBinary(const std::string &path) {
  std::string image = readWholeFile(path);
  BinaryInstrumentation b;
  size_t offset = 0, size = 0;
  b.hasSiteTable = findElfSection(path, image, CSNAKE_SITE_SECTION, offset, size);
  if (findElfSection(path, image, CSNAKE_ROOTS_SECTION, offset, size)) {
    b.builtWithCsnake = true;
    // One NUL-terminated root per instrumented module, concatenated by the linker.
    std::set<std::string> seen;
    for (size_t pos = 0; pos < size;) {
      const char *s = image.data() + offset + pos;
      size_t len = strnlen(s, size - pos);
      if (seen.insert(std::string(s, len)).second) b.roots.emplace_back(s, len);
      pos += len + 1;
    }
  }
  b.builtWithCsnake |= b.hasSiteTable;
  return b;
}

SiteCatalog SiteCatalog::fromBinary(const std::string &path) {
  std::string image = readWholeFile(path);
  size_t offset = 0, size = 0;
  if (!findElfSection(path, image, CSNAKE_SITE_SECTION, offset, size))
    fail(path, "not built with csnake (no " CSNAKE_SITE_SECTION " section)");
  return fromSectionBytes(path, reinterpret_cast<const uint8_t *>(image.data()) + offset, size);
}

SiteCatalog SiteCatalog::fromSectionBytes(const std::string &origin, const uint8_t *data, size_t size) {
  SiteCatalog cat;
  size_t pos = 0;
  while (pos < size) {
    // The linker may pad between module blobs; padding is zero bytes.
    if (data[pos] == 0) {
      ++pos;
      continue;
    }
    csnake_module_header h;
    if (size - pos < sizeof h) fail(origin, "truncated site table header at offset " + std::to_string(pos));
    std::memcpy(&h, data + pos, sizeof h);
    if (std::memcmp(h.magic, CSNAKE_MODULE_MAGIC, sizeof h.magic) != 0)
      fail(origin, "bad site table magic at offset " + std::to_string(pos));
    if (h.abi_version != CSNAKE_ABI_VERSION)
      fail(origin, "site table ABI version " + std::to_string(h.abi_version) + ", this csnake reads " +
                       std::to_string(CSNAKE_ABI_VERSION) + " (rebuild the target)");
    uint64_t records = uint64_t(h.n_sites) * sizeof(csnake_site_record);
    if (h.total_size > size - pos || sizeof h + records + h.strtab_size > h.total_size)
      fail(origin, "site table at offset " + std::to_string(pos) + " overruns the section");
    const uint8_t *recBase = data + pos + sizeof h;
    const char *strtab = reinterpret_cast<const char *>(recBase + records);
    auto str = [&](uint32_t off) -> std::string {
      if (off >= h.strtab_size) fail(origin, "site string offset out of range");
      size_t maxLen = h.strtab_size - off;
      size_t len = strnlen(strtab + off, maxLen);
      if (len == maxLen) fail(origin, "unterminated site string");
      return std::string(strtab + off, len);
    };
    for (uint32_t i = 0; i < h.n_sites; ++i) {
      csnake_site_record r;
      std::memcpy(&r, recBase + i * sizeof r, sizeof r);
      // Inline and template functions are instrumented in every translation unit that
      // uses them: the same id then appears in several module tables. Keep one.
      if (cat.byId_.count(r.id)) continue;
      if (r.kind < CSNAKE_KIND_THROW || r.kind > CSNAKE_KIND_BRANCH)
        fail(origin, "unknown site kind " + std::to_string(r.kind));
      FaultSite s;
      s.id = r.id;
      s.kind = static_cast<SiteKind>(r.kind);
      s.flags = r.flags;
      s.line = r.line;
      s.column = r.column;
      s.parentLoop = r.parent_loop;
      s.loopSize = r.loop_size;
      s.file = str(r.file);
      s.function = str(r.function);
      s.demangled = demangle(s.function);
      s.detail = str(r.detail);
      cat.byId_.emplace(s.id, cat.sites_.size());
      cat.sites_.push_back(std::move(s));
    }
    ++cat.modules_;
    pos += h.total_size;
  }
  return cat;
}

SiteCatalog SiteCatalog::fromSites(std::vector<FaultSite> sites) {
  SiteCatalog cat;
  for (FaultSite &s : sites) {
    if (cat.byId_.count(s.id)) continue;
    cat.byId_.emplace(s.id, cat.sites_.size());
    cat.sites_.push_back(std::move(s));
  }
  return cat;
}

const FaultSite *SiteCatalog::find(uint64_t id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &sites_[it->second];
}

}  // namespace csnake
