#include "common/ring/idle_policy.h"

#include <sched.h>

namespace rrr::ring {

namespace {
void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
}  // namespace

bool Backoff::shouldBlock() {
  if (spin_window_.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    if (spin_until_ == std::chrono::steady_clock::time_point{}) spin_until_ = now + spin_window_;
    if (now < spin_until_) {
      // Yield, not pause: on a machine with fewer cores than spinning stages, a stage that has
      // work must get the core from one that is only waiting.
      if (++window_polls_ % 64 == 0) {
        sched_yield();
      } else {
        pause();
      }
      return false;
    }
  }
  if (spins_ < policy_.spins) {
    if (policy_.spins != std::numeric_limits<std::uint32_t>::max()) ++spins_;
    pause();
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
