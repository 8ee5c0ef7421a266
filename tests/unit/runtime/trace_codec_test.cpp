// The trace codec: a trace written by the runtime round-trips through the reader, and
// damaged files are rejected with one-line "FILE: problem" errors.
#include "rt_test_util.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <iterator>

using namespace rttest;
using csnake::TraceError;
using csnake::TraceFile;

namespace {

std::string readAll(const std::string &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One real trace file produced by the runtime (events, loops, paths, receipt).
std::string sampleTrace() {
  static std::string bytes;
  if (!bytes.empty()) return bytes;
  TempDir d;
  auto r = runChild({{CSNAKE_ENV_TRACE_DIR, d.path()}, {CSNAKE_ENV_PLAN, ""}, {CSNAKE_ENV_NODE, "n1"}}, [] {
    Module m({{0x10, CSNAKE_KIND_LOOP}, {0x20, CSNAKE_KIND_BRANCH}, {0x30, CSNAKE_KIND_THROW}});
    m.registerNow();
    void *f = __builtin_frame_address(0);
    __csnake_loop_enter(0x10, f);
    for (int i = 0; i < 5; ++i) {
      __csnake_loop_iter(0x10, f);
      __csnake_branch(0x20, i & 1);
      __csnake_throw(0x30);
    }
    __csnake_loop_exit(0x10, f);
    return 0;
  });
  EXPECT_TRUE(r.exitedWith(0)) << r.err;
  auto names = csnake::TraceDirectory::list(d.path());
  EXPECT_EQ(names.size(), 1u);
  bytes = readAll(d.file(names.at(0)));
  return bytes;
}

std::string errorOf(const std::string &bytes) {
  try {
    TraceFile::decode("t.cstrace", bytes.data(), bytes.size());
  } catch (const TraceError &e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TraceCodec, RoundTrip) {
  std::string bytes = sampleTrace();
  TraceFile f = TraceFile::decode("t", bytes.data(), bytes.size());
  EXPECT_EQ(f.header.version, csnake::trace::kFormatVersion);
  EXPECT_EQ(f.processNode(), "n1");
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.events[0].site, 0x30u);
  EXPECT_EQ(f.events[0].context, 0x10u);
  EXPECT_EQ(f.events[0].occur, 5u);
  EXPECT_EQ(f.nodeName(f.events[0].node), "n1");
  ASSERT_EQ(f.loops.size(), 1u);
  EXPECT_EQ(f.loops[0].rec.iterations, 5u);
  ASSERT_EQ(f.loops[0].histogram.size(), 1u);
  EXPECT_EQ(f.loops[0].histogram[0].bucket, 5u);
  ASSERT_EQ(f.paths.size(), 2u);  // branch true / false (each with the throw event)
  uint64_t total = 0;
  for (const auto &p : f.paths) {
    EXPECT_EQ(p.pairs.size(), 2u);
    total += p.rec.count;
  }
  EXPECT_EQ(total, 5u);
  EXPECT_TRUE(f.hasReceipt);
  EXPECT_EQ(f.receipt.has_plan, 0u);
}

TEST(TraceCodec, TruncationIsDetectedAtEveryLength) {
  std::string bytes = sampleTrace();
  for (size_t len : {size_t(1), size_t(7), size_t(8), size_t(31), size_t(32), size_t(200),
                     sizeof(csnake::trace::FileHeader), bytes.size() / 2, bytes.size() - 1}) {
    std::string err = errorOf(bytes.substr(0, len));
    EXPECT_EQ(err.rfind("t.cstrace: truncated (" + std::to_string(len) + " of ", 0), 0u) << len << ": " << err;
  }
  EXPECT_EQ(errorOf(bytes.substr(0, 200)), "t.cstrace: truncated (200 of " + std::to_string(bytes.size()) + " bytes)");
}

TEST(TraceCodec, BitFlipIsAChecksumMismatch) {
  std::string bytes = sampleTrace();
  for (size_t at : {size_t(40), sizeof(csnake::trace::FileHeader) + 3, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[at] ^= 0x10;
    EXPECT_EQ(errorOf(bad), "t.cstrace: checksum mismatch") << at;
  }
}

TEST(TraceCodec, WrongMagicEmptyAndNewerVersion) {
  std::string bytes = sampleTrace();
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_EQ(errorOf(bad), "t.cstrace: not a csnake trace");
  EXPECT_EQ(errorOf("hello"), "t.cstrace: not a csnake trace");
  EXPECT_EQ(errorOf(""), "t.cstrace: empty file");
  std::string newer = bytes;
  uint32_t v = csnake::trace::kFormatVersion + 1;
  memcpy(&newer[8], &v, 4);
  EXPECT_EQ(errorOf(newer).rfind("t.cstrace: format version 2 is newer than supported", 0), 0u) << errorOf(newer);
  std::string longer = bytes + "x";
  EXPECT_NE(errorOf(longer), "");
}

TEST(TraceCodec, DirectoryErrors) {
  TempDir d;
  try {
    csnake::TraceDirectory::read(d.path());
    FAIL() << "empty directory accepted";
  } catch (const TraceError &e) {
    EXPECT_NE(std::string(e.what()).find("no *.cstrace or *.cstrace.gz files"), std::string::npos);
  }
  std::ofstream(d.file("a.cstrace")) << "";
  try {
    csnake::TraceDirectory::read(d.path());
    FAIL() << "empty file accepted";
  } catch (const TraceError &e) {
    EXPECT_EQ(std::string(e.what()), d.file("a.cstrace") + ": empty file");
  }
  EXPECT_THROW(csnake::TraceDirectory::read(d.file("missing")), TraceError);
}

// A campaign keeps its traces gzipped (--keep-traces compressed): the reader takes
// *.cstrace.gz as it takes *.cstrace, and names a corrupt one.
TEST(TraceCodec, ReadsGzippedTraces) {
  std::string bytes = sampleTrace();
  TempDir d;
  gzFile gz = gzopen(d.file("p1.cstrace.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  csnake::TraceDirectory td = csnake::TraceDirectory::read(d.path());
  ASSERT_EQ(td.files.size(), 1u);
  TraceFile plain = TraceFile::decode("t", bytes.data(), bytes.size());
  EXPECT_EQ(td.files[0].events.size(), plain.events.size());
  EXPECT_EQ(td.files[0].loops.size(), plain.loops.size());
  EXPECT_EQ(td.files[0].paths.size(), plain.paths.size());
  // Truncated gzip data: an error naming the file, not a crash.
  std::string gzBytes = readAll(d.file("p1.cstrace.gz"));
  std::ofstream(d.file("p1.cstrace.gz"), std::ios::binary) << gzBytes.substr(0, gzBytes.size() / 2);
  try {
    csnake::TraceDirectory::read(d.path());
    FAIL() << "a truncated gzipped trace was accepted";
  } catch (const TraceError &e) {
    EXPECT_EQ(std::string(e.what()).rfind(d.file("p1.cstrace.gz") + ": ", 0), 0u) << e.what();
  }
}
