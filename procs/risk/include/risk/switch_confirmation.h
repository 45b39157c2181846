#pragma once
// After a turn of the kill switch (`rrr-risk killswitch`, `rrr-supervisor killswitch`) or a re-arm
// (`rrr-risk rearm`): waits for rrr-risk to apply it and says whether it did, so that the command
// does not return "on" while rrr-risk still approves orders, or "re-armed" while it refuses them.

#include <chrono>

#include "risk/risk_switches.h"

namespace rrr::risk {

// 0 once rrr-risk has applied the switch's latest turn (or at once for a zero wait), 3 if it has
// not within `wait`: the switch stays on disk and rrr-risk applies it when it next looks (at its
// start, if it is down; the engine sends nothing while rrr-risk is down).
int awaitKillSwitch(const RiskSwitches& switches, bool on, std::chrono::milliseconds wait);

// 0 once rrr-risk has applied re-arm number `rearms` and trading is not halted again, 3 if it has
// not within `wait` (the halt is off disk and rrr-risk lifts it when it next looks) or a new
// breach has halted trading since.
int awaitRearm(const RiskSwitches& switches, std::uint64_t rearms, std::chrono::milliseconds wait);

}  // namespace rrr::risk
