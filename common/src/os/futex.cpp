#include "common/os/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

namespace rrr::os {
namespace {

std::uint32_t* address(std::atomic<std::uint32_t>& word) {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return reinterpret_cast<std::uint32_t*>(&word);
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
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto deadline_ns = static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec + timeout.count();
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000LL);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000LL);
  syscall(SYS_futex, address(word), FUTEX_WAIT_BITSET, expected, &deadline, nullptr, classes);
}

void futexWakeClass(std::atomic<std::uint32_t>& word, std::uint32_t classes) {
  syscall(SYS_futex, address(word), FUTEX_WAKE_BITSET, INT_MAX, nullptr, nullptr, classes);
}

}  // namespace rrr::os
