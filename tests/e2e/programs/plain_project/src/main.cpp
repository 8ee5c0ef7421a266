#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "ledger.h"

#ifdef PLAIN_PROJECT_EXTRA
long extraA(long);
long extraB(long);
#endif

int main(int argc, char **argv) {
  std::vector<long> entries;
  for (int i = 1; i < argc; ++i) entries.push_back(std::strtol(argv[i], nullptr, 10));
  try {
    long total = settle(entries, 1000);
#ifdef PLAIN_PROJECT_EXTRA
    total += extraA(total) + extraB(total);
#endif
    std::printf("%ld\n", total);
  } catch (const std::invalid_argument &e) {
    std::printf("rejected: %s\n", e.what());
    return 1;
  }
  return 0;
}
