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

// Classes of wake-up (FUTEX_WAIT_BITSET): a waiter names the classes that may wake it, a waker
// the classes it wakes. futexWakeAll wakes every class.
inline constexpr std::uint32_t kWakeData = 1;      // a message was published
inline constexpr std::uint32_t kWakeHeadsUp = 2;   // a message is due shortly (RingProducer::headsUp)
inline constexpr std::uint32_t kWakeBatch = 4;     // the wake-up held for batching readers (IdlePolicy::lazy_wake)
inline constexpr std::uint32_t kWakeEvery = ~0u;   // every class: as futexWakeAll

// As futexWait, woken only by wake-ups of a class in `classes` (and by futexWakeAll).
void futexWaitFor(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::chrono::nanoseconds timeout,
                  std::uint32_t classes);
// Wakes the waiters that accept a wake-up of `classes`.
void futexWakeClass(std::atomic<std::uint32_t>& word, std::uint32_t classes);

// Blocks while *first == first_expected and *second == second_expected, for at most timeout
// (futex_waitv): a wake-up of any class on either word ends it. Spurious returns are allowed.
// False, having waited for nothing, if the kernel has no futex_waitv (before Linux 5.16).
bool futexWaitEither(std::atomic<std::uint32_t>& first, std::uint32_t first_expected, std::atomic<std::uint32_t>& second,
                     std::uint32_t second_expected, std::chrono::nanoseconds timeout);

}  // namespace rrr::os
