// Thread naming for the csnake runtime and for log lines.
#pragma once

#include <string>

// Provided by the csnake runtime when the binary is instrumented; absent (null) otherwise.
extern "C" void csnake_set_node(const char *) __attribute__((weak));

namespace minidfs {

// Names the calling thread after the node that owns it ("nn", "dn1", "client"). Every
// thread a node starts calls this first, so traces and logs attribute work to nodes even
// when all nodes share one process.
void nameThread(const std::string &node);

// The name set by nameThread() on this thread, or "main".
const std::string &threadNode();

}  // namespace minidfs
