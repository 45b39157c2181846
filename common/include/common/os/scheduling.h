#pragma once
// The calling thread's scheduling policy.

namespace rrr::os {

// Whether the calling thread runs under SCHED_FIFO (as rrr-supervisor starts a process with
// realtime_priority: SCHED_FIFO | SCHED_RESET_ON_FORK, a flag sched_getscheduler reports too).
bool underFifoPolicy();

}  // namespace rrr::os
