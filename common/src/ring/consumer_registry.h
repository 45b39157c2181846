#pragma once
// Finding and claiming consumer slots in a segment. Every call takes the segment's registry
// byte lock, which the kernel drops if the caller dies, so registration can never wedge.

#include <cstdint>
#include <string>

#include "common/os/byte_lock.h"
#include "common/ring/ring_segment.h"

namespace rrr::ring::detail {

struct Registration {
  std::uint32_t index = 0;
  os::ByteLock lock;   // held when attaching
};

// Finds the slot registered under name, registering it at the current end of the ring if new,
// and with attach also takes its lock (kConsumerAlive if a live process holds it). A kind that
// differs from the registered one replaces it, only once the lock is ours.
// kNoConsumerSlot if no slot is free and no lossy slot is unattached.
RingResult<Registration> findOrRegister(RingSegment& segment, const std::string& name, ConsumerKind kind,
                                        bool attach);

}  // namespace rrr::ring::detail
