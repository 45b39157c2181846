#pragma once
// `rrr-risk killswitch on|off [--reason TEXT] [--wait S]`, `rrr-risk rearm [--wait S]`, `rrr-risk
// status`: argv from the verb on. They change data/risk (risk_switches.h); a running rrr-risk
// applies the change before its next decision, and `killswitch` and `rearm` wait for that (exit 3
// if it does not come in time).

namespace rrr::risk {

int runSwitchCommand(int argc, char** argv);

}  // namespace rrr::risk
