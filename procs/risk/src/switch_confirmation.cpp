#include "risk/switch_confirmation.h"

#include <cstdio>
#include <string>

#include "common/fixed_point.h"

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

int awaitRearm(const RiskSwitches& switches, std::uint64_t rearms, std::chrono::milliseconds wait) {
  if (wait.count() <= 0) {
    std::printf("not waiting for rrr-risk to apply it (--wait 0)\n");
    return 0;
  }
  if (!awaitRearmApplied(switches, rearms, wait)) {
    std::fprintf(stderr,
                 "rrr-risk has not applied the re-arm within %lld ms (not running, or held back: see `rrr-supervisor status`); the "
                 "halt is off disk in %s and rrr-risk lifts it when it next looks\n",
                 static_cast<long long>(wait.count()), switches.dir().c_str());
    return 3;
  }
  const auto applied = switches.applied();
  const std::string from = applied.rearm_equity_e8 ? "equity " + formatFixed(*applied.rearm_equity_e8) : "the engine's next snapshot";
  if (const auto halt = switches.read().halt) {
    std::fprintf(stderr, "re-armed by rrr-risk (measured afresh from %s), but halted again since: %s\n", from.c_str(), halt->c_str());
    return 3;
  }
  std::printf("applied by rrr-risk: orders are approved again, within the limits; daily loss and drawdown are measured from %s\n",
              from.c_str());
  return 0;
}

}  // namespace rrr::risk
