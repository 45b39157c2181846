#include "risk/risk_switches.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace rrr::risk {
namespace {

std::optional<std::string> textOf(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.empty() ? std::string("(no reason given)") : text;
}

bool syncPath(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

SwitchState RiskSwitches::read() const { return {textOf(dir_ / "kill_switch"), textOf(dir_ / "halt")}; }

Status<std::string> RiskSwitches::replace(const std::string& name, const std::string& text) const {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  const auto temporary = dir_ / (name + ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) return makeError(temporary.string() + ": cannot write: " + std::strerror(errno));
  }
  if (!syncPath(temporary, O_RDONLY)) return makeError(temporary.string() + ": cannot fsync: " + std::strerror(errno));
  std::filesystem::rename(temporary, dir_ / name, error);
  if (error) return makeError((dir_ / name).string() + ": cannot replace: " + error.message());
  if (!syncPath(dir_, O_RDONLY | O_DIRECTORY)) return makeError(dir_.string() + ": cannot fsync: " + std::strerror(errno));
  return {};
}

Status<std::string> RiskSwitches::remove(const std::string& name) const {
  std::error_code error;
  std::filesystem::remove(dir_ / name, error);
  if (error) return makeError((dir_ / name).string() + ": cannot remove: " + error.message());
  if (std::filesystem::exists(dir_) && !syncPath(dir_, O_RDONLY | O_DIRECTORY)) {
    return makeError(dir_.string() + ": cannot fsync: " + std::strerror(errno));
  }
  return {};
}

Status<std::string> RiskSwitches::setKillSwitch(bool on, const std::string& reason) const {
  return on ? replace("kill_switch", reason) : remove("kill_switch");
}

Status<std::string> RiskSwitches::recordHalt(const std::string& breach) const { return replace("halt", breach); }

Status<std::string> RiskSwitches::rearm() const { return remove("halt"); }

}  // namespace rrr::risk
