#pragma once
// Cross-process futex on a 32-bit word in a shared mapping (not FUTEX_PRIVATE: the waiters and
// wakers are different processes).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace rrr::os {

// Blocks while *word == expected, for at most timeout. Returns early on a wake-up, a signal,
// or when the word already differs. Spurious returns are allowed: callers re-check.
void futexWait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
               std::chrono::nanoseconds timeout);

// Wakes every waiter on word.
void futexWakeAll(std::atomic<std::uint32_t>& word);

}  // namespace rrr::os
