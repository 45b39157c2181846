#pragma once
// How a ring reader or a back-pressured writer waits: spin, then yield, then block on a futex
// (Aeron's BackoffIdleStrategy). Spinning sees a new message in ~100 ns but burns a core;
// blocking costs a futex wake-up (tens of microseconds) but no CPU while idle.

#include <chrono>
#include <cstdint>
#include <limits>

namespace rrr::ring {

struct IdlePolicy {
  std::uint32_t spins = 2000;     // busy polls with a CPU pause between them
  std::uint32_t yields = 50;      // polls with sched_yield between them
  // Longest single block. Blocking is woken by the writer; the timeout only bounds how long a
  // waiter can miss a wake-up from a writer that died between writing and waking.
  std::chrono::nanoseconds block_timeout = std::chrono::milliseconds(100);
  // When non-zero, spin for this long before the `spins` polls (a pause lasts 5 to 150 cycles
  // depending on the CPU, so a count is no measure of time).
  std::chrono::nanoseconds spin_for{0};
  // When non-zero, spin for this long after a wake-up that brought no message: a producer's
  // heads-up (RingProducer::headsUp) that a message is due shortly.
  std::chrono::nanoseconds spin_after_wake{0};
  // A batching reader: the producer may hold its wake-up until the producer's thread is about to
  // block (ring/before_blocking.h), or until 64 messages wait, instead of paying a futex wake
  // per message in the middle of a burst. For a reader that writes in batches anyway (rrr-store).
  bool lazy_wake = false;
  // Sleep without doing the thread's put-off work first (ring/before_blocking.h: the tap's copies,
  // held wake-ups, the next burst's pages): for a stage that has done its part of a burst while the
  // stages after it still work on the cores that this work would take.
  bool defer_chores = false;

  // Never blocks: lowest latency, one full core while waiting.
  static IdlePolicy hot() {
    return IdlePolicy{std::numeric_limits<std::uint32_t>::max(), 0, block_timeout_default()};
  }
  // Blocks at once: no CPU while waiting, a futex wake-up per message.
  static IdlePolicy blocking() { return IdlePolicy{0, 0, block_timeout_default()}; }
  // Blocks at once and is woken once the producer's burst is over (see `lazy_wake`).
  static IdlePolicy batching() {
    IdlePolicy policy = blocking();
    policy.lazy_wake = true;
    return policy;
  }
  // Blocks at once, leaving the put-off work for a later sleep (see `defer_chores`).
  static IdlePolicy blockingQuietly() {
    IdlePolicy policy = blocking();
    policy.defer_chores = true;
    return policy;
  }
  // Spins for `window`, then blocks: for a reply due within microseconds.
  static IdlePolicy spinWindow(std::chrono::nanoseconds window) { return IdlePolicy{0, 0, block_timeout_default(), window}; }
  // Blocks at once, but spins for `window` after a heads-up: a stage of the hot path is hot when
  // its input is due and costs no CPU between bursts.
  static IdlePolicy headsUp(std::chrono::nanoseconds window) {
    return IdlePolicy{0, 0, block_timeout_default(), std::chrono::nanoseconds{0}, window};
  }

  static constexpr std::chrono::nanoseconds block_timeout_default() {
    return std::chrono::milliseconds(100);
  }
};

// One wait's progress through the policy. Not thread-safe; one per waiting call.
class Backoff {
 public:
  // woken: after a wake-up without a message, when spin_after_wake applies instead of spin_for.
  explicit Backoff(const IdlePolicy& policy, bool woken = false)
      : policy_(policy), spin_window_(woken ? policy.spin_after_wake : policy.spin_for) {}

  // Spends one spin or yield step and returns false, or returns true when both are used up and
  // the caller should block.
  bool shouldBlock();

 private:
  IdlePolicy policy_;
  std::chrono::nanoseconds spin_window_;
  std::uint32_t spins_ = 0;
  std::uint32_t window_polls_ = 0;
  std::chrono::steady_clock::time_point spin_until_{};
  std::uint32_t yields_ = 0;
};

}  // namespace rrr::ring
