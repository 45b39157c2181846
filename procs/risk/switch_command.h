#pragma once
// `rrr-risk killswitch on|off [--reason TEXT]`, `rrr-risk rearm`, `rrr-risk status`: argv from the
// verb on. They change data/risk (risk_switches.h); a running rrr-risk applies the change before
// its next decision.

namespace rrr::risk {

int runSwitchCommand(int argc, char** argv);

}  // namespace rrr::risk
