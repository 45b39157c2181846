#pragma once
// The kill switch and the trading halt, kept as files under data/risk/ so that they survive a
// restart of rrr-risk and of the whole system until someone changes them by hand:
//   kill_switch   present: on (its text says who set it, when and why). Written only by people,
//                 through `rrr-risk killswitch on|off` or the supervisor's control socket.
//   halt          present: trading halted by a daily-loss or drawdown breach. Written by rrr-risk,
//                 removed by `rrr-risk rearm` (removed without a re-arm's count, rrr-risk writes
//                 it again: only a counted re-arm lifts a halt).
//   halt_applied  the halt rrr-risk put in force (its breach), written before halt and removed by
//                 rrr-risk when it acts on a re-arm: a halt removed with no re-arm counted since,
//                 while rrr-risk runs or while it is down, is written again from it.
//   halt_rearms   how many times `rrr-risk rearm` lifted a halt, written before halt is removed. A
//                 count rrr-risk has not acted on is a re-arm: it lifts the halt and measures
//                 daily loss and drawdown afresh from the equity then (the engine resets both
//                 baselines to it), so that the breach that halted does not halt again at once.
//   kill_switch_turns    how many times the kill switch was turned on, written before kill_switch.
//   kill_switch_applied  written by rrr-risk once it has announced a state (its RiskEvent is out):
//                 the count it has acted on and the switch's state, then the re-arms it has
//                 acted on and the equity the last one started from, "7 on 2 998250000000". A count it has not
//                 acted on while the switch is off is a switch turned on and off again before
//                 rrr-risk looked (or while it was down): it is applied as an on and an off, so
//                 that open orders are cancelled for it and both are recorded. The commands that
//                 turn the switch wait for it (awaitApplied).
//   A missing or unreadable count is 0.
// Files are replaced atomically and durably (common/os/durable_file.h). rrr-risk watches the
// folder (switch_watch.h) and re-reads the files only after a change in it, so a change takes
// effect before the next intent is decided without reading files on the decision path.

#include <chrono>
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
  std::uint64_t rearms = 0;
  bool operator==(const SwitchState&) const = default;
};

// What rrr-risk last recorded as applied: nullopt state before it recorded one (or from a file of
// an earlier version, which held the count alone; one without re-arms reads 0 of them).
struct AppliedSwitch {
  std::uint64_t kill_switch_turns = 0;
  std::optional<bool> kill_switch;
  std::uint64_t rearms = 0;
  std::optional<std::int64_t> rearm_equity_e8;   // the equity the last re-arm measures from
  bool operator==(const AppliedSwitch&) const = default;
};

class RiskSwitches {
 public:
  explicit RiskSwitches(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The state on disk now.
  SwitchState read() const;

  Status<std::string> setKillSwitch(bool on, const std::string& reason) const;
  // Writes halt_applied, then halt.
  Status<std::string> recordHalt(const std::string& breach) const;
  // The halt rrr-risk last put in force and has not seen re-armed (halt_applied).
  std::optional<std::string> haltApplied() const;
  Status<std::string> clearHaltApplied() const;
  // Counts a re-arm, then removes the halt.
  Status<std::string> rearm() const;
  // Whether there is a halt to re-arm: on disk, or still in force in rrr-risk (halt_applied without
  // halt: removed while rrr-risk was down, which writes it again at its start).
  bool halted() const { return read().halt || haltApplied(); }

  AppliedSwitch applied() const;
  Status<std::string> recordApplied(const AppliedSwitch& applied) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// Whether rrr-risk has applied a turn of the kill switch: an on once it has acted on that turn (the
// count written with it) and says on, or off if the switch is off again now (then it announced the
// on before the off); an off once it has acted on every turn before it and says off.
bool isApplied(const AppliedSwitch& applied, bool on, std::uint64_t turns, bool on_now);

// Waits up to `timeout` for rrr-risk to record the turn as applied (isApplied), looking every
// 20 ms; false if it has not by then (rrr-risk down, or held back by a full ring).
bool awaitApplied(const RiskSwitches& switches, bool on, std::uint64_t turns, std::chrono::milliseconds timeout);

// Waits up to `timeout` for rrr-risk to record re-arm number `rearms` as applied, as awaitApplied.
bool awaitRearmApplied(const RiskSwitches& switches, std::uint64_t rearms, std::chrono::milliseconds timeout);

}  // namespace rrr::risk
