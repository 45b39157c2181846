#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "supervisor/commands.h"
#include "supervisor/config.h"

namespace rrr::supervisor {
namespace {

std::filesystem::path homeDirectory() {
  const char* home = std::getenv("HOME");
  return home != nullptr ? home : "/";
}

#ifdef __APPLE__
std::filesystem::path writeUnit(const std::filesystem::path& self, const SupervisorConfig& config) {
  const auto path = homeDirectory() / "Library/LaunchAgents/org.rrr.supervisor.plist";
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      << "<plist version=\"1.0\"><dict>\n"
      << "  <key>Label</key><string>org.rrr.supervisor</string>\n"
      << "  <key>ProgramArguments</key><array><string>" << self.string() << "</string><string>--config</string><string>"
      << config.config_path.string() << "</string><string>start</string><string>--foreground</string></array>\n"
      << "  <key>WorkingDirectory</key><string>" << config.root.string() << "</string>\n"
      << "  <key>RunAtLoad</key><true/><key>KeepAlive</key><true/>\n"
      << "</dict></plist>\n";
  return path;
}
const char* kEnableHint = "launchctl load -w ~/Library/LaunchAgents/org.rrr.supervisor.plist";
#else
std::filesystem::path writeUnit(const std::filesystem::path& self, const SupervisorConfig& config) {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const std::filesystem::path base = xdg != nullptr && *xdg != '\0' ? std::filesystem::path(xdg) : homeDirectory() / ".config";
  const auto path = base / "systemd/user/rrr.service";
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  out << "[Unit]\n"
      << "Description=rrr trading system supervisor\n"
      << "After=network-online.target\n\n"
      << "[Service]\n"
      << "Type=simple\n"
      << "WorkingDirectory=" << config.root.string() << "\n"
      << "ExecStart=" << self.string() << " --config " << config.config_path.string() << " start --foreground\n"
      << "ExecStop=" << self.string() << " --config " << config.config_path.string() << " stop\n"
      << "KillMode=mixed\n"
      << "TimeoutStopSec=60\n"
      << "Restart=on-failure\n\n"
      << "[Install]\n"
      << "WantedBy=default.target\n";
  return path;
}
const char* kEnableHint = "systemctl --user daemon-reload && systemctl --user enable --now rrr (and `loginctl enable-linger` to start at boot without a login)";
#endif

}  // namespace

int installServiceCommand(const CommandOptions& options, const std::filesystem::path& self) {
  auto config = loadConfig(options.config_path, options.self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", config.error().message.c_str());
    return 2;
  }
  try {
    const auto path = writeUnit(self, *config);
    std::printf("wrote %s\nenable it with: %s\n", path.c_str(), kEnableHint);
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace rrr::supervisor
