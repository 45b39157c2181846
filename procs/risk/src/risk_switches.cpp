#include "risk/risk_switches.h"

#include <fstream>

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

std::uint64_t RiskSwitches::appliedTurns() const { return countIn(dir_ / "kill_switch_applied"); }

Status<std::string> RiskSwitches::recordAppliedTurns(std::uint64_t turns) const {
  return os::replaceFileDurably(dir_ / "kill_switch_applied", std::to_string(turns));
}

}  // namespace rrr::risk
