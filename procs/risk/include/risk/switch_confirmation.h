#pragma once
// After a turn of the kill switch (`rrr-risk killswitch`, `rrr-supervisor killswitch`): waits for
// rrr-risk to apply it and says whether it did, so that the command does not return "on" while
// rrr-risk still approves orders.

#include <chrono>

#include "risk/risk_switches.h"

namespace rrr::risk {

// 0 once rrr-risk has applied the switch's latest turn (or at once for a zero wait), 3 if it has
// not within `wait`: the switch stays on disk and rrr-risk applies it when it next looks (at its
// start, if it is down; the engine sends nothing while rrr-risk is down).
int awaitKillSwitch(const RiskSwitches& switches, bool on, std::chrono::milliseconds wait);

}  // namespace rrr::risk
