#pragma once
// The kill switch and the trading halt, kept as files under data/risk/ so that they survive a
// restart of rrr-risk and of the whole system until someone changes them by hand:
//   kill_switch   present: on (its text says who set it, when and why). Written only by people,
//                 through `rrr-risk killswitch on|off` or the supervisor's control socket.
//   halt          present: trading halted by a daily-loss or drawdown breach. Written by rrr-risk,
//                 removed by `rrr-risk rearm`.
//   kill_switch_turns    how many times the kill switch was turned on, written before kill_switch.
//   kill_switch_applied  written by rrr-risk: the count it has acted on. A count it has not acted
//                 on while the switch is off is a switch turned on and off again before rrr-risk
//                 looked (or while it was down): it is applied as an on and an off, so that open
//                 orders are cancelled for it and both are recorded.
//   A missing or unreadable count is 0.
// Files are replaced atomically and durably (common/os/durable_file.h). rrr-risk watches the
// folder (switch_watch.h) and re-reads the files only after a change in it, so a change takes
// effect before the next intent is decided without reading files on the decision path.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"

namespace rrr::risk {

struct SwitchState {
  std::optional<std::string> kill_switch;   // its text, when on
  std::optional<std::string> halt;          // the breach, when halted
  std::uint64_t kill_switch_turns = 0;
  bool operator==(const SwitchState&) const = default;
};

class RiskSwitches {
 public:
  explicit RiskSwitches(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The state on disk now.
  SwitchState read() const;

  Status<std::string> setKillSwitch(bool on, const std::string& reason) const;
  Status<std::string> recordHalt(const std::string& breach) const;
  Status<std::string> rearm() const;

  std::uint64_t appliedTurns() const;
  Status<std::string> recordAppliedTurns(std::uint64_t turns) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace rrr::risk
