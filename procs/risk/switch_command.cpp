#include "switch_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "risk/risk_switches.h"
#include "risk/switch_confirmation.h"
#include "supervisor/config.h"

namespace rrr::risk {
namespace {

std::string stamp(const std::string& reason) {
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  const char* user = std::getenv("USER");
  return reason + " (by " + (user != nullptr ? user : "?") + " at " + when + ")";
}

}  // namespace

int runSwitchCommand(int argc, char** argv) {
  CLI::App app{"rrr-risk: the kill switch and the trading halt"};
  app.require_subcommand(1);
  app.fallthrough();   // --config after the verb, too
  std::filesystem::path config_path = "config/rrr.yml";
  app.add_option("--config", config_path, "config file, for the data folder")->capture_default_str();
  std::string state;
  std::string reason = "set by hand";
  auto* killswitch = app.add_subcommand("killswitch", "turn the kill switch on (no new orders are approved) or off");
  killswitch->add_option("state", state)->required()->check(CLI::IsMember({"on", "off"}));
  killswitch->add_option("--reason", reason, "why, kept with the switch")->capture_default_str();
  double wait_s = 5;
  auto* rearm = app.add_subcommand("rearm", "lift a halt set by a daily-loss or drawdown breach; both are measured afresh from the equity then");
  for (auto* waiting : {killswitch, rearm}) {
    waiting->add_option("--wait", wait_s, "seconds to wait for rrr-risk to apply it (0: do not wait)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
  }
  auto* status = app.add_subcommand("status", "the kill switch and the halt");
  CLI11_PARSE(app, argc, argv);

  const auto self_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  auto config = supervisor::loadConfig(config_path, self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-risk: %s\n", config.error().message.c_str());
    return 2;
  }
  const RiskSwitches switches(config->data_dir / "risk");
  Status<std::string> done;
  if (killswitch->parsed()) done = switches.setKillSwitch(state == "on", stamp(reason));
  if (rearm->parsed()) {
    if (!switches.halted()) {
      std::printf("trading is not halted: nothing to re-arm\n");
      return 0;
    }
    done = switches.rearm();
  }
  if (!done.ok()) {
    std::fprintf(stderr, "rrr-risk: %s\n", done.error().message.c_str());
    return 1;
  }
  const auto now = switches.read();
  std::printf("kill switch: %s\nhalt: %s\n", now.kill_switch ? ("on, " + *now.kill_switch).c_str() : "off",
              now.halt ? now.halt->c_str() : "none");
  (void)status;
  const std::chrono::milliseconds wait(static_cast<long long>(wait_s * 1000));
  if (rearm->parsed()) return awaitRearm(switches, now.rearms, wait);
  if (!killswitch->parsed()) return 0;
  return awaitKillSwitch(switches, state == "on", wait);
}

}  // namespace rrr::risk
