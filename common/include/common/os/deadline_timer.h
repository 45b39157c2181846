#pragma once
// A sleep whose deadline is set ahead of the sleep (a timerfd on CLOCK_MONOTONIC, the clock of
// std::chrono::steady_clock).
//
// Why: on these VMs, arming a timer that becomes the core's next one reprograms the core's
// timer device, ~10 us (a VM exit). A nanosleep arms its timer as it blocks, so the core it
// leaves is held that long before the next thread runs on it. A DeadlineTimer armed earlier,
// off the hot path, blocks without arming anything: the core changes hands in ~1.2 us
// (docs/LATENCY.md).
//
// Thread safety: one thread at a time.

#include <chrono>
#include <optional>

namespace rrr::os {

class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;

  DeadlineTimer();
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Sets the deadline, replacing any earlier one (and a past one that already expired).
  void arm(Clock::time_point deadline);
  // The deadline armed and not yet waited for, if any.
  std::optional<Clock::time_point> deadline() const { return deadline_; }
  // Blocks until the armed deadline (at once if it passed) and disarms. Returns early, still
  // armed, if a signal interrupts it. Without a deadline it returns at once.
  void wait();

 private:
  int fd_;
  std::optional<Clock::time_point> deadline_;
};

}  // namespace rrr::os
