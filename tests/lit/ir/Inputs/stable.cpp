#include <stdexcept>
#include <unistd.h>
int step(int);
void work();

int target(int n) {
  int total = 0;
  // EDIT-SELF
  for (int i = 0; i < n; i++) {
    int rc = step(i);
    if (rc < 0)
      return -1;
    if (rc > 100)
      throw std::runtime_error("too big");
    char c;
    if (read(0, &c, 1) == 1)
      total += c;
  }
  return total;
}

int other(int n) {
  // EDIT-OTHER
  while (n > 0)
    n = step(n);
  return n;
}
