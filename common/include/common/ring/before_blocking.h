#pragma once
// Work a thread puts off until it has nothing else to do, done right before RingConsumer and
// RingProducer sleep on a ring's futex (never while they spin or poll), and by agents before they
// sleep otherwise:
//   - the thread's hook: rrr's processes publish their tap copies there (process::ProcessRuntime),
//     so that the hot path does not pay for ZeroMQ between a message and the next stage's reply;
//   - the wake-ups this process's producers held back for lazy sleepers (IdlePolicy::batching).

#include <functional>

namespace rrr::ring {

// Sets this thread's hook (an empty function clears it).
void setBeforeBlocking(std::function<void()> hook);

// Runs this thread's hook, if any, then gives the held wake-ups.
void runBeforeBlocking();

}  // namespace rrr::ring
