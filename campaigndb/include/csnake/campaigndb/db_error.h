// The one error type of the campaign database: a one-line message that names the file
// ("FILE: problem"). Recoverable for a command (it prints the line and exits 1).
#pragma once

#include <stdexcept>

namespace csnake {

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace csnake
