// The site catalogue reader on hand-built csnake_sites tables and on real ELF files.
#include <csnake/abi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "catalog/site_catalog.h"

using namespace csnake;

namespace {

struct SiteSpec {
  uint64_t id;
  uint32_t kind;
  uint32_t flags;
  const char *file;
  uint32_t line;
  const char *function;
  const char *detail;
};

// One module blob exactly as abi.h lays it out.
std::vector<uint8_t> moduleBlob(const std::vector<SiteSpec> &sites, uint32_t version = CSNAKE_ABI_VERSION) {
  std::string strtab(1, '\0');
  auto intern = [&](const char *s) {
    uint32_t off = static_cast<uint32_t>(strtab.size());
    strtab.append(s);
    strtab.push_back('\0');
    return off;
  };
  std::vector<csnake_site_record> recs;
  for (const SiteSpec &s : sites) {
    csnake_site_record r{};
    r.id = s.id;
    r.kind = s.kind;
    r.flags = s.flags;
    r.line = s.line;
    r.loop_size = s.kind == CSNAKE_KIND_LOOP ? 42 : 0;
    r.file = intern(s.file);
    r.function = intern(s.function);
    r.detail = intern(s.detail);
    recs.push_back(r);
  }
  csnake_module_header h{};
  std::memcpy(h.magic, CSNAKE_MODULE_MAGIC, sizeof h.magic);
  h.abi_version = version;
  h.n_sites = static_cast<uint32_t>(recs.size());
  h.strtab_size = static_cast<uint32_t>(strtab.size());
  size_t total = sizeof h + recs.size() * sizeof(csnake_site_record) + strtab.size();
  total = (total + 7) & ~size_t(7);
  h.total_size = static_cast<uint32_t>(total);
  std::vector<uint8_t> out(total, 0);
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + sizeof h, recs.data(), recs.size() * sizeof(csnake_site_record));
  std::memcpy(out.data() + sizeof h + recs.size() * sizeof(csnake_site_record), strtab.data(), strtab.size());
  return out;
}

const std::vector<SiteSpec> kModuleA = {
    {0x1111, CSNAKE_KIND_LOOP, CSNAKE_FLAG_LOOP_IO, "src/server.cpp", 10, "_ZN6server4loopEv", ""},
    {0x2222, CSNAKE_KIND_THROW, CSNAKE_FLAG_FAULT_ON_TRUE, "src/server.cpp", 12, "_ZN6server4loopEv", "rc < 0"},
    {0x3333, CSNAKE_KIND_LIBCALL, 0, "src/net.cpp", 3, "main", "send"},
};
const std::vector<SiteSpec> kModuleB = {
    {0x2222, CSNAKE_KIND_THROW, CSNAKE_FLAG_FAULT_ON_TRUE, "src/server.cpp", 12, "_ZN6server4loopEv", "rc < 0"},
    {0x4444, CSNAKE_KIND_LOOP, CSNAKE_FLAG_LOOP_SLEEPS, "src/timer.cpp", 7, "tick", ""},
};

SiteCatalog parse(const std::vector<uint8_t> &bytes) {
  return SiteCatalog::fromSectionBytes("test", bytes.data(), bytes.size());
}

}  // namespace

TEST(SiteCatalog, ParsesConcatenatedModulesAndDedupsInlineCopies) {
  std::vector<uint8_t> bytes = moduleBlob(kModuleA);
  bytes.resize(bytes.size() + 8, 0);  // linker padding between modules
  std::vector<uint8_t> b = moduleBlob(kModuleB);
  bytes.insert(bytes.end(), b.begin(), b.end());
  SiteCatalog cat = parse(bytes);
  EXPECT_EQ(cat.moduleCount(), 2u);
  ASSERT_EQ(cat.sites().size(), 4u);  // 0x2222 appears in both modules
  const FaultSite *loop = cat.find(0x1111);
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->kind, SiteKind::Loop);
  EXPECT_EQ(loop->file, "src/server.cpp");
  EXPECT_EQ(loop->line, 10u);
  EXPECT_EQ(loop->demangled, "server::loop()");
  EXPECT_TRUE(loop->loopDoesIo());
  EXPECT_TRUE(loop->delayCandidate());
  const FaultSite *timer = cat.find(0x4444);
  ASSERT_NE(timer, nullptr);
  EXPECT_FALSE(timer->delayCandidate()) << "a loop that sleeps is a timer, not a delay candidate";
  EXPECT_EQ(cat.find(0x3333)->detail, "send");
  EXPECT_EQ(cat.find(0x9999), nullptr);
}

TEST(SiteCatalog, RejectsTruncatedTable) {
  std::vector<uint8_t> bytes = moduleBlob(kModuleA);
  for (size_t cut : {size_t(4), sizeof(csnake_module_header), bytes.size() - 8}) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    EXPECT_THROW(parse(part), CatalogError) << "cut at " << cut;
  }
}

TEST(SiteCatalog, RejectsBadMagicAndOtherAbiVersion) {
  std::vector<uint8_t> bytes = moduleBlob(kModuleA);
  bytes[0] = 'X';
  EXPECT_THROW(parse(bytes), CatalogError);
  try {
    parse(moduleBlob(kModuleA, CSNAKE_ABI_VERSION + 1));
    FAIL() << "accepted another ABI version";
  } catch (const CatalogError &e) {
    EXPECT_NE(std::string(e.what()).find("ABI version"), std::string::npos) << e.what();
  }
}

TEST(SiteCatalog, RejectsOutOfRangeStringOffset) {
  std::vector<uint8_t> bytes = moduleBlob(kModuleA);
  csnake_site_record r;
  std::memcpy(&r, bytes.data() + sizeof(csnake_module_header), sizeof r);
  r.file = 1u << 30;
  std::memcpy(bytes.data() + sizeof(csnake_module_header), &r, sizeof r);
  EXPECT_THROW(parse(bytes), CatalogError);
}

TEST(SiteCatalog, UninstrumentedBinarySaysSo) {
  // This test program is built without the plugin.
  try {
    SiteCatalog::fromBinary("/proc/self/exe");
    FAIL() << "an uninstrumented binary produced a catalogue";
  } catch (const CatalogError &e) {
    EXPECT_NE(std::string(e.what()).find("not built with csnake"), std::string::npos) << e.what();
  }
}

TEST(SiteCatalog, MissingAndNonElfFilesNameTheFile) {
  try {
    SiteCatalog::fromBinary("/nonexistent/binary");
    FAIL();
  } catch (const CatalogError &e) {
    EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/binary: cannot open", 0), 0u) << e.what();
  }
  char path[] = "/tmp/csnake-catalog-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "#!/bin/sh\n", 10), 10);
  close(fd);
  try {
    SiteCatalog::fromBinary(path);
    FAIL();
  } catch (const CatalogError &e) {
    EXPECT_NE(std::string(e.what()).find("not an ELF file"), std::string::npos) << e.what();
  }
  unlink(path);
}

TEST(SiteIds, FormatAndParseRoundTrip) {
  uint64_t v = 0;
  EXPECT_EQ(formatSiteId(0xabcULL), "0x0000000000000abc");
  ASSERT_TRUE(parseSiteId("0xDEADbeef00000001", v));
  EXPECT_EQ(v, 0xdeadbeef00000001ULL);
  ASSERT_TRUE(parseSiteId("ff", v));
  EXPECT_EQ(v, 0xffULL);
  EXPECT_FALSE(parseSiteId("0x", v));
  EXPECT_FALSE(parseSiteId("12345678901234567", v));
  EXPECT_FALSE(parseSiteId("0xgg", v));
}
