#include "restart_policy.h"

#include <algorithm>

namespace rrr::supervisor {

std::chrono::milliseconds backoffDelay(const ProcessSpec& spec, int consecutive_failures, std::mt19937_64& random) {
  const int doublings = std::clamp(consecutive_failures - 1, 0, 30);
  const double base = std::min(static_cast<double>(spec.backoff_initial.count()) * static_cast<double>(1LL << doublings),
                               static_cast<double>(spec.backoff_max.count()));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<long>(base * jitter(random)));
}

bool shouldRestart(RestartPolicy policy, bool clean_exit) {
  switch (policy) {
    case RestartPolicy::kAlways: return true;
    case RestartPolicy::kOnFailure: return !clean_exit;
    case RestartPolicy::kNever: return false;
  }
  return false;
}

bool RestartIntensity::recordAndExceeds(Clock::time_point now, int max_restarts, std::chrono::seconds window) {
  restarts_.push_back(now);
  while (!restarts_.empty() && now - restarts_.front() > window) restarts_.pop_front();
  return static_cast<int>(restarts_.size()) > max_restarts;
}

}  // namespace rrr::supervisor
