#pragma once
// Wake-ups a producer holds back for lazy sleepers (readers that batch, see
// IdlePolicy::batching): kept for the whole process and given when one of its threads is about to
// block (runBeforeBlocking), or when the segment is unmapped.

#include <cstdint>

#include "ring/ring_layout.h"

namespace rrr::ring::detail {

// Bumps `header`'s data signal and wakes the consumers blocked on it that accept a wake-up of
// `classes` (os/futex.h).
void wakeSleepers(RingHeader& header, std::uint32_t classes);

// Remembers that `header`'s sleepers are owed a wake-up.
void deferWake(RingHeader& header);

// Gives the wake-ups held for every ring, or for one that is being unmapped.
void wakeDeferred();
void wakeIfDeferred(RingHeader& header);

}  // namespace rrr::ring::detail
