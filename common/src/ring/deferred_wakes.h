#pragma once
// Wake-ups a producer holds back for lazy sleepers (readers that batch, see
// IdlePolicy::batching): kept for the whole process and given when one of its threads is about to
// block (runBeforeBlocking), or when the segment is unmapped.

#include "ring/ring_layout.h"

namespace rrr::ring::detail {

// Wakes every consumer blocked on `header`'s data signal.
void wakeSleepers(RingHeader& header);

// Remembers that `header`'s sleepers are owed a wake-up.
void deferWake(RingHeader& header);

// Gives the wake-ups held for every ring, or for one that is being unmapped.
void wakeDeferred();
void wakeIfDeferred(RingHeader& header);

}  // namespace rrr::ring::detail
