// The errno a LIBCALL fault injects by default: what the failing call would most plausibly
// return in production for the kind of failure a distributed system must survive.
#include "allocation/allocator.h"

namespace csnake {

std::string defaultErrnoFor(const std::string &callee) {
  static const std::pair<const char *, const char *> table[] = {
      {"connect", "ECONNREFUSED"},
      {"accept", "ECONNABORTED"},
      {"send", "ECONNRESET"},
      {"recv", "ECONNRESET"},
      {"read", "EIO"},
      {"write", "EIO"},
      {"open", "EACCES"},
      {"creat", "EACCES"},
      {"fopen", "EACCES"},
      {"fsync", "EIO"},
      {"fdatasync", "EIO"},
      {"poll", "EINTR"},
      {"select", "EINTR"},
      {"epoll_wait", "EINTR"},
      {"socket", "EMFILE"},
      {"bind", "EADDRINUSE"},
      {"listen", "EADDRINUSE"},
      {"close", "EIO"},
      {"rename", "EIO"},
      {"unlink", "EACCES"},
      {"mkdir", "ENOSPC"},
      {"ftruncate", "EIO"},
      {"setsockopt", "EINVAL"},
      {"fflush", "EIO"},
      {"fclose", "EIO"},
  };
  // Longest matching prefix after stripping fortify/positional decorations: "__recv_chk"
  // -> recv, "pread64" -> read, "sendto" -> send.
  std::string name = callee;
  if (name.rfind("__", 0) == 0) name = name.substr(2);
  size_t best = 0;
  const char *out = "EIO";
  for (const auto &[prefix, err] : table) {
    std::string p = prefix;
    if (name.rfind(p, 0) == 0 && p.size() > best) best = p.size(), out = err;
    if (name.size() > 1 && name[0] == 'p' && name.rfind("p" + p, 0) == 0 && p.size() + 1 > best)
      best = p.size() + 1, out = err;
  }
  return out;
}

}  // namespace csnake
