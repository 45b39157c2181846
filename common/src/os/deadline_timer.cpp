#include "common/os/deadline_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdint>
#include <thread>

namespace rrr::os {

// Without a timerfd (out of descriptors) wait() sleeps as nanosleep does: slower, not wrong.
DeadlineTimer::DeadlineTimer() : fd_(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) {}

DeadlineTimer::~DeadlineTimer() {
  if (fd_ >= 0) close(fd_);
}

void DeadlineTimer::arm(Clock::time_point deadline) {
  deadline_ = deadline;
  if (fd_ < 0) return;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  itimerspec spec{};
  // A zero it_value disarms a timerfd; a deadline at or before the clock's origin is long past,
  // and 1 ns after it is too.
  spec.it_value.tv_sec = ns > 0 ? ns / 1'000'000'000 : 0;
  spec.it_value.tv_nsec = ns > 0 ? ns % 1'000'000'000 : 1;
  if (timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

void DeadlineTimer::wait() {
  if (!deadline_) return;
  if (fd_ < 0) {
    std::this_thread::sleep_until(*deadline_);
    deadline_.reset();
    return;
  }
  std::uint64_t expirations = 0;
  if (read(fd_, &expirations, sizeof expirations) == sizeof expirations) deadline_.reset();
}

}  // namespace rrr::os
