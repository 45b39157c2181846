#include "common/enforce.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

namespace rrr::detail {

void enforceFailed(const char* condition, const char* message, const char* file, int line) {
  // stderr as well as the logger: the logger may be the thing that is broken.
  std::fprintf(stderr, "RRR_ENFORCE failed: %s (%s) at %s:%d\n", condition, message, file, line);
  spdlog::critical("RRR_ENFORCE failed: {} ({}) at {}:{}", condition, message, file, line);
  spdlog::shutdown();
  std::abort();
}

}  // namespace rrr::detail
