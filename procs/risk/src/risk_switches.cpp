#include "risk/risk_switches.h"

#include <fstream>
#include <thread>

#include "common/os/durable_file.h"

namespace rrr::risk {
namespace {

std::optional<std::string> textOf(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.empty() ? std::string("(no reason given)") : text;
}

std::uint64_t countIn(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::uint64_t count = 0;
  return in >> count ? count : 0;
}

}  // namespace

SwitchState RiskSwitches::read() const {
  return {textOf(dir_ / "kill_switch"), textOf(dir_ / "halt"), countIn(dir_ / "kill_switch_turns"), countIn(dir_ / "halt_rearms")};
}

// The count first: read between the two writes, the new count with the switch still off is taken
// for an on and an off, and the on follows at the next look; the other order could lose the on.
Status<std::string> RiskSwitches::setKillSwitch(bool on, const std::string& reason) const {
  if (!on) return os::removeFileDurably(dir_ / "kill_switch");
  if (auto counted = os::replaceFileDurably(dir_ / "kill_switch_turns", std::to_string(countIn(dir_ / "kill_switch_turns") + 1));
      !counted.ok()) {
    return counted;
  }
  return os::replaceFileDurably(dir_ / "kill_switch", reason);
}

Status<std::string> RiskSwitches::recordHalt(const std::string& breach) const {
  if (auto applied = os::replaceFileDurably(dir_ / "halt_applied", breach); !applied.ok()) return applied;
  return os::replaceFileDurably(dir_ / "halt", breach);
}

std::optional<std::string> RiskSwitches::haltApplied() const { return textOf(dir_ / "halt_applied"); }

Status<std::string> RiskSwitches::clearHaltApplied() const { return os::removeFileDurably(dir_ / "halt_applied"); }

// The count first, as for the kill switch: read between the two writes, the halt still on disk is
// the one the re-arm lifts.
Status<std::string> RiskSwitches::rearm() const {
  if (auto counted = os::replaceFileDurably(dir_ / "halt_rearms", std::to_string(countIn(dir_ / "halt_rearms") + 1)); !counted.ok()) {
    return counted;
  }
  return os::removeFileDurably(dir_ / "halt");
}

AppliedSwitch RiskSwitches::applied() const {
  std::ifstream in(dir_ / "kill_switch_applied");
  AppliedSwitch applied;
  if (!(in >> applied.kill_switch_turns)) return {};
  std::string state;
  if (!(in >> state) || (state != "on" && state != "off")) return applied;
  applied.kill_switch = state == "on";
  if (!(in >> applied.rearms)) return applied;
  if (std::int64_t equity_e8 = 0; in >> equity_e8) applied.rearm_equity_e8 = equity_e8;
  return applied;
}

// The count first, so that a reader of the count alone (an earlier version) still reads it.
Status<std::string> RiskSwitches::recordApplied(const AppliedSwitch& applied) const {
  std::string text = std::to_string(applied.kill_switch_turns);
  if (applied.kill_switch) {
    text += *applied.kill_switch ? " on " : " off ";
    text += std::to_string(applied.rearms);
    if (applied.rearm_equity_e8) text += " " + std::to_string(*applied.rearm_equity_e8);
  }
  return os::replaceFileDurably(dir_ / "kill_switch_applied", text);
}

bool isApplied(const AppliedSwitch& applied, bool on, std::uint64_t turns, bool on_now) {
  if (applied.kill_switch_turns < turns || !applied.kill_switch) return false;
  return *applied.kill_switch == on || (on && !on_now);
}

namespace {

template <class Done>
bool awaitRecord(std::chrono::milliseconds timeout, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

bool awaitApplied(const RiskSwitches& switches, bool on, std::uint64_t turns, std::chrono::milliseconds timeout) {
  return awaitRecord(timeout, [&] { return isApplied(switches.applied(), on, turns, switches.read().kill_switch.has_value()); });
}

bool awaitRearmApplied(const RiskSwitches& switches, std::uint64_t rearms, std::chrono::milliseconds timeout) {
  return awaitRecord(timeout, [&] { return switches.applied().rearms >= rearms; });
}

}  // namespace rrr::risk
