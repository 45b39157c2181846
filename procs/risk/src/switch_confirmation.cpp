#include "risk/switch_confirmation.h"

#include <cstdio>

namespace rrr::risk {

int awaitKillSwitch(const RiskSwitches& switches, bool on, std::chrono::milliseconds wait) {
  if (wait.count() <= 0) {
    std::printf("not waiting for rrr-risk to apply it (--wait 0)\n");
    return 0;
  }
  if (awaitApplied(switches, on, switches.read().kill_switch_turns, wait)) {
    std::printf("%s\n", on ? "applied by rrr-risk: it approves no new order, and rrr-engine cancels the open ones"
                           : "applied by rrr-risk: orders are approved again, within the limits");
    return 0;
  }
  std::fprintf(stderr,
               "rrr-risk has not applied it within %lld ms (not running, or held back: see `rrr-supervisor status`); the switch "
               "is on disk in %s and rrr-risk applies it when it next looks%s\n",
               static_cast<long long>(wait.count()), switches.dir().c_str(),
               on ? " (while rrr-risk is down, rrr-engine sends no order)" : "");
  return 3;
}

}  // namespace rrr::risk
