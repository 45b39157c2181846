#pragma once
// When to restart a process that exited, and when to give it up.

#include <chrono>
#include <deque>
#include <random>

#include "supervisor/config.h"

namespace rrr::supervisor {

using Clock = std::chrono::steady_clock;

// Delay before the restart that follows `consecutive_failures` failures in a row (1 for the
// first): backoff_initial doubled per failure, capped at backoff_max, then +-20% jitter so that
// processes failing together do not restart in lockstep.
std::chrono::milliseconds backoffDelay(const ProcessSpec& spec, int consecutive_failures, std::mt19937_64& random);

// Whether the exit should lead to a restart under the policy (manual stops never do).
bool shouldRestart(RestartPolicy policy, bool clean_exit);

// The restarts of one process within a sliding window.
class RestartIntensity {
 public:
  // Records a restart at now. True if that makes more than max_restarts within window: the
  // process should be given up.
  bool recordAndExceeds(Clock::time_point now, int max_restarts, std::chrono::seconds window);
  void reset() { restarts_.clear(); }

 private:
  std::deque<Clock::time_point> restarts_;
};

}  // namespace rrr::supervisor
