#pragma once
// Keeps the pages of the next slots a reader or writer of a ring will touch mapped ahead of it,
// a window at a time, so that a burst after an idle spell takes no page faults (a few
// microseconds each, one per 4 KiB page and per process). Call ahead() while idle.

#include <algorithm>
#include <cstdint>

#include "common/ring/ring_segment.h"

namespace rrr::ring {

class PrefaultWindow {
 public:
  // next: the next sequence this side will read or write.
  void ahead(const RingSegment& segment, std::uint64_t next) {
    if (next + kSlots / 2 <= until_) return;   // more than half a window is still mapped
    const auto from = std::max(next, until_);
    segment.prefault(from, next + kSlots - from);
    until_ = next + kSlots;
  }

 private:
  static constexpr std::uint64_t kSlots = 256;
  std::uint64_t until_ = 0;
};

}  // namespace rrr::ring
