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

}  // namespace

SwitchState RiskSwitches::read() const { return {textOf(dir_ / "kill_switch"), textOf(dir_ / "halt")}; }

Status<std::string> RiskSwitches::setKillSwitch(bool on, const std::string& reason) const {
  return on ? os::replaceFileDurably(dir_ / "kill_switch", reason) : os::removeFileDurably(dir_ / "kill_switch");
}

Status<std::string> RiskSwitches::recordHalt(const std::string& breach) const {
  return os::replaceFileDurably(dir_ / "halt", breach);
}

Status<std::string> RiskSwitches::rearm() const { return os::removeFileDurably(dir_ / "halt"); }

}  // namespace rrr::risk
