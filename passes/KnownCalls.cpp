//===- KnownCalls.cpp - callee name sets ----------------------------------===//
//
// Purpose: see KnownCalls.h.
//
//===----------------------------------------------------------------------===//
#include "KnownCalls.h"

#include "llvm/ADT/StringSet.h"

using namespace llvm;

namespace csnake {

bool isLibcallName(StringRef Name) {
  static const StringSet<> Names = {
      "send", "sendto", "sendmsg", "recv", "recvfrom", "recvmsg", "read", "write",
      "pread", "pwrite", "pread64", "pwrite64", "readv", "writev", "connect", "accept",
      "accept4", "socket", "bind", "listen", "open", "open64", "openat", "creat", "close",
      "fsync", "fdatasync", "ftruncate", "rename", "unlink", "mkdir", "poll", "select",
      "epoll_wait", "setsockopt", "fopen", "fclose", "fflush",
      // _FORTIFY_SOURCE variants
      "__recv_chk", "__read_chk", "__pread_chk", "__recvfrom_chk", "__open_2",
      "__open64_2"};
  return Names.count(Name) != 0;
}

bool isIOName(StringRef Name) {
  // A name table reads best packed; clang-format 14 would put one name per line.
  // clang-format off
  static const StringSet<> Names = {
      "printf", "fprintf", "vprintf", "vfprintf", "dprintf", "vdprintf", "puts", "fputs",
      "fputc", "putc", "putchar", "fwrite", "fread", "fgets", "fgetc", "getc", "getchar",
      "getline", "getdelim", "fscanf", "scanf", "sendfile", "sendfile64", "splice",
      "ioctl", "syslog", "fputs_unlocked", "fwrite_unlocked", "fread_unlocked",
      "__printf_chk", "__fprintf_chk", "__vfprintf_chk", "__vprintf_chk", "__dprintf_chk",
      "__fread_chk", "__fgets_chk", "__fread_unlocked_chk", "__poll_chk", "__pread64_chk",
      "__recv_chk", "__read_chk", "__pread_chk", "__recvfrom_chk", "__open_2",
      "__open64_2", "openat64", "__openat_2", "__openat64_2", "preadv", "pwritev",
      "fopen64", "epoll_pwait", "ppoll", "pselect"};
  // clang-format on
  return isLibcallName(Name) || Names.count(Name) != 0;
}

bool isSleepName(StringRef Name) {
  // clang-format off
  static const StringSet<> Names = {"nanosleep", "usleep", "sleep", "clock_nanosleep",
                                    "pthread_cond_timedwait", "pthread_cond_clockwait",
                                    "sem_timedwait", "sem_clockwait"};
  // clang-format on
  if (Names.count(Name))
    return true;
  // std::this_thread::__sleep_for / sleep_for / sleep_until (mangled).
  if (Name.contains("11this_thread11__sleep_for") ||
      Name.contains("11this_thread9sleep_for") ||
      Name.contains("11this_thread11sleep_until"))
    return true;
  // std::condition_variable(_any)::wait_for / wait_until / __wait_until_impl.
  if (Name.contains("condition_variable") &&
      (Name.contains("8wait_for") || Name.contains("10wait_until") ||
       Name.contains("__wait_until_impl")))
    return true;
  // std::timed_mutex / std::future timed waits.
  if ((Name.contains("try_lock_for") || Name.contains("try_lock_until")))
    return true;
  return false;
}

} // namespace csnake
