#include "common/ring/idle_policy.h"

#include <sched.h>

namespace rrr::ring {

bool Backoff::shouldBlock() {
  if (spins_ < policy_.spins) {
    if (policy_.spins != std::numeric_limits<std::uint32_t>::max()) ++spins_;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
    return false;
  }
  if (yields_ < policy_.yields) {
    ++yields_;
    sched_yield();
    return false;
  }
  return true;
}

}  // namespace rrr::ring
