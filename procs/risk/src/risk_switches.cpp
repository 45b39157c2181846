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
  return {textOf(dir_ / "kill_switch"), textOf(dir_ / "halt"), countIn(dir_ / "kill_switch_turns")};
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
  return os::replaceFileDurably(dir_ / "halt", breach);
}

Status<std::string> RiskSwitches::rearm() const { return os::removeFileDurably(dir_ / "halt"); }

AppliedSwitch RiskSwitches::applied() const {
  std::ifstream in(dir_ / "kill_switch_applied");
  AppliedSwitch applied;
  if (!(in >> applied.kill_switch_turns)) return {};
  if (std::string state; in >> state && (state == "on" || state == "off")) applied.kill_switch = state == "on";
  return applied;
}

// The count first, so that a reader of the count alone (an earlier version) still reads it.
Status<std::string> RiskSwitches::recordApplied(const AppliedSwitch& applied) const {
  std::string text = std::to_string(applied.kill_switch_turns);
  if (applied.kill_switch) text += *applied.kill_switch ? " on" : " off";
  return os::replaceFileDurably(dir_ / "kill_switch_applied", text);
}

bool isApplied(const AppliedSwitch& applied, bool on, std::uint64_t turns, bool on_now) {
  if (applied.kill_switch_turns < turns || !applied.kill_switch) return false;
  return *applied.kill_switch == on || (on && !on_now);
}

bool awaitApplied(const RiskSwitches& switches, bool on, std::uint64_t turns, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (isApplied(switches.applied(), on, turns, switches.read().kill_switch.has_value())) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace rrr::risk
