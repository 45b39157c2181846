#pragma once
// The rings of a run, owned by the supervisor so that they outlive any process's restart.

#include <vector>

#include "common/ring/ring_segment.h"
#include "supervisor/config.h"

namespace rrr::supervisor {

// Opens or creates every configured ring. An existing segment of the same shape is kept, with
// its data and cursors: a supervisor restart loses nothing a durable consumer had not read.
// One of another shape is recreated. Durable consumers are registered, so the producer holds data
// for them from the first message. Segments with this run's prefix that the config no longer
// names are removed.
Result<std::vector<ring::RingSegment>, ring::RingError> prepareRings(const SupervisorConfig& config);

// The supervisor's own ring: every ProcessStatus change and Alert, for rrr-store (a durable
// consumer when the config has a process named store) to keep in trading.db and the audit log.
inline constexpr const char* kSystemRing = "system";
inline constexpr ring::RingConfig kSystemRingShape{1024, 4096};

}  // namespace rrr::supervisor
