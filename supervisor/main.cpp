// rrr-supervisor: starts, watches, restarts and stops the rrr processes (docs/ARCHITECTURE.md).
#include <CLI/CLI.hpp>

#include <filesystem>

#include "supervisor/commands.h"

int main(int argc, char** argv) {
  namespace sv = rrr::supervisor;
  CLI::App app{"rrr-supervisor: starts, watches, restarts and stops the rrr processes"};
  app.require_subcommand(1);
  sv::CommandOptions options;
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  options.self_dir = self.parent_path();
  app.add_option("--config", options.config_path, "config file")->capture_default_str();

  bool foreground = false;
  bool json = false;
  bool follow = false;
  int lines = 50;
  std::string name;
  auto* start = app.add_subcommand("start", "start every configured process (detaches once all are ready)");
  start->add_flag("--foreground", foreground, "stay attached (for service managers)");
  auto* status = app.add_subcommand("status", "show every process");
  status->add_flag("--json", json, "one JSON document");
  status->add_option("name", name, "only this process");
  auto* restart = app.add_subcommand("restart", "restart one process live; the others keep running");
  restart->add_option("name", name)->required();
  auto* stop = app.add_subcommand("stop", "stop one process, or everything and the supervisor");
  stop->add_option("name", name);
  auto* reset = app.add_subcommand("reset", "re-arm a process given up after too many restarts");
  reset->add_option("name", name)->required();
  auto* reload = app.add_subcommand("reload", "re-read the config; restart only what changed");
  std::string switch_state;
  auto* killswitch = app.add_subcommand("killswitch", "the kill switch through the control socket: rrr-risk approves no new order while on");
  killswitch->add_option("state", switch_state)->required()->check(CLI::IsMember({"on", "off"}));
  auto* rearm = app.add_subcommand("rearm", "lift a trading halt (daily loss, drawdown) through the control socket; both are measured afresh");
  double wait_s = 5;
  for (auto* waiting : {killswitch, rearm}) {
    waiting->add_option("--wait", wait_s, "seconds to wait for rrr-risk to apply it (0: do not wait)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
  }
  auto* logs = app.add_subcommand("logs", "print a process's log");
  logs->add_option("name", name)->required();
  logs->add_flag("-f,--follow", follow, "keep printing as it grows");
  logs->add_option("-n,--lines", lines, "lines from the end")->capture_default_str();
  bool discard = false;
  auto* remove_rings = app.add_subcommand("remove-rings", "free a stopped run's shared-memory rings (stop keeps them for the next start)");
  remove_rings->add_flag("--discard", discard, "even if a durable reader (rrr-store, rrr-engine) has not committed all of a ring");
  auto* service = app.add_subcommand("install-service", "write a systemd user unit (launchd plist on macOS)");
  CLI11_PARSE(app, argc, argv);

  if (start->parsed()) return sv::startCommand(options, foreground);
  if (status->parsed()) return sv::statusCommand(options, name, json);
  if (restart->parsed()) return sv::controlCommand(options, "restart", name);
  if (stop->parsed()) return sv::controlCommand(options, "stop", name);
  if (reset->parsed()) return sv::controlCommand(options, "reset", name);
  if (killswitch->parsed()) {
    return sv::killSwitchCommand(options, switch_state == "on", std::chrono::milliseconds(static_cast<long long>(wait_s * 1000)));
  }
  if (rearm->parsed()) return sv::rearmCommand(options, std::chrono::milliseconds(static_cast<long long>(wait_s * 1000)));
  if (reload->parsed()) return sv::controlCommand(options, "reload", "");
  if (logs->parsed()) return sv::logsCommand(options, name, lines, follow);
  if (remove_rings->parsed()) return sv::removeRingsCommand(options, discard);
  if (service->parsed()) return sv::installServiceCommand(options, self);
  return 2;
}
