#include "ledger.h"

#include <stdexcept>

long settle(const std::vector<long> &entries, long limit) {
  long total = 0;
  for (long e : entries) {
    if (e < 0) throw std::invalid_argument("negative entry");
    total += e;
    if (total > limit) break;
  }
  return total;
}
