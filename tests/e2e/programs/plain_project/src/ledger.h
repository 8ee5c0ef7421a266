#pragma once
#include <vector>

// Sum of the entries up to `limit`; throws on a negative entry.
long settle(const std::vector<long> &entries, long limit);
