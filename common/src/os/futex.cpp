#include "common/os/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>

namespace rrr::os {
namespace {

std::uint32_t* address(std::atomic<std::uint32_t>& word) {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return reinterpret_cast<std::uint32_t*>(&word);
}

timespec monotonicDeadline(std::chrono::nanoseconds timeout) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto deadline_ns = static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec + timeout.count();
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000LL);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000LL);
  return deadline;
}

}  // namespace

void futexWait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
               std::chrono::nanoseconds timeout) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec relative{};
  relative.tv_sec = static_cast<time_t>(seconds.count());
  relative.tv_nsec = static_cast<long>((timeout - seconds).count());
  syscall(SYS_futex, address(word), FUTEX_WAIT, expected, &relative, nullptr, 0);
}

void futexWakeAll(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, address(word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void futexWaitFor(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::chrono::nanoseconds timeout,
                  std::uint32_t classes) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline.
  const timespec deadline = monotonicDeadline(timeout);
  syscall(SYS_futex, address(word), FUTEX_WAIT_BITSET, expected, &deadline, nullptr, classes);
}

void futexWakeClass(std::atomic<std::uint32_t>& word, std::uint32_t classes) {
  syscall(SYS_futex, address(word), FUTEX_WAKE_BITSET, INT_MAX, nullptr, nullptr, classes);
}

bool futexWaitEither(std::atomic<std::uint32_t>& first, std::uint32_t first_expected, std::atomic<std::uint32_t>& second,
                     std::uint32_t second_expected, std::chrono::nanoseconds timeout) {
  static std::atomic<bool> unsupported{false};
  if (unsupported.load(std::memory_order_relaxed)) return false;
  // Shared futexes (no FUTEX_PRIVATE_FLAG): the wakers are other processes.
  futex_waitv waiters[2]{};
  waiters[0] = {first_expected, reinterpret_cast<std::uintptr_t>(address(first)), FUTEX_32, 0};
  waiters[1] = {second_expected, reinterpret_cast<std::uintptr_t>(address(second)), FUTEX_32, 0};
  const timespec deadline = monotonicDeadline(timeout);
  if (syscall(SYS_futex_waitv, waiters, 2, 0, &deadline, CLOCK_MONOTONIC) == -1 && errno == ENOSYS) {
    unsupported.store(true, std::memory_order_relaxed);
    return false;
  }
  return true;
}

}  // namespace rrr::os
