#pragma once
// How long a stage's working set stays in the caches of its core: a rehearsal ahead of a bar
// helps only as long as what it touched is still there when the bar comes.

#include <chrono>
#include <cstddef>

#include "latency_summary.h"

namespace rrr::bench {

// The time to read `bytes` of data, one cache line at a time in an order no prefetcher follows,
// again after `gap`. While `sleep` the thread sleeps through the gap (a stage between two bars);
// otherwise it spins on its core without a system call (a stage polling after a rehearsal), so
// whatever evicts the data comes from outside the process.
LatencySummary workingSetReadAgain(std::size_t bytes, std::chrono::nanoseconds gap, bool sleep, int samples);

}  // namespace rrr::bench
