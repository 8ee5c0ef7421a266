#include <csignal>

#include <gtest/gtest.h>

int main(int argc, char **argv) {
  // A peer closing mid-send must surface as an error return, never kill the test.
  std::signal(SIGPIPE, SIG_IGN);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
