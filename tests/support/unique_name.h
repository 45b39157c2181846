#pragma once
// Names for per-test resources (ring segments, temp folders) that cannot collide with another
// test run on the same machine.

#include <unistd.h>

#include <atomic>
#include <string>

namespace rrr::testing {

inline std::string uniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

}  // namespace rrr::testing
