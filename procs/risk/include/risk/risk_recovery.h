#pragma once
// What a restarted rrr-risk reads back from the rings it shares with the engine, so that its
// account and its orders-per-minute window are what they were: the latest PortfolioSnapshot on
// the exec ring, the new orders it approved after the last decision that snapshot reflects (their
// intents looked up by the decisions' cause), and its approvals within the last minute of event
// time. Reads at most kRecoveryScan messages back on each ring.

#include <cstddef>

#include "common/ring/ring_segment.h"
#include "risk/account_tracker.h"
#include "risk/risk_gate.h"

namespace rrr::risk {

inline constexpr std::size_t kRecoveryScan = 4096;

void recoverFromRings(const ring::RingSegment& exec, const ring::RingSegment& decisions, const ring::RingSegment& intents,
                      AccountTracker& account, RiskGate& gate);

}  // namespace rrr::risk
