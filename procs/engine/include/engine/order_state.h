#pragma once
// The order state machine (docs/EXECUTION.md). Every transition is one OrderUpdate event.
//
//   New --> Accepted --> PartiallyFilled --> Filled
//    |         |              |   ^  |
//    |         |              +---+  +--> Cancelled | Expired
//    |         +--> Filled | Cancelled | Expired
//    +--> Rejected
//
// New: decided by a strategy, approved by risk, not yet acknowledged by the venue. Accepted: the
// venue (or the paper simulator) holds it. Filled, Cancelled, Rejected and Expired are final: an
// IOC order's unfilled rest expires, a GTC order lives until filled or cancelled.

#include "schemas/common_generated.h"

namespace rrr::engine {

bool isFinal(msg::OrderStatus status);
bool isAllowed(msg::OrderStatus from, msg::OrderStatus to);

}  // namespace rrr::engine
