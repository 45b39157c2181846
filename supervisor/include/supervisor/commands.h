#pragma once
// The verbs of rrr-supervisor. Each returns the process exit code: 0 done, 1 failed (the message
// says why), 2 bad configuration or usage.

#include <chrono>
#include <filesystem>
#include <string>

namespace rrr::supervisor {

struct CommandOptions {
  std::filesystem::path config_path = "config/rrr.yml";
  std::filesystem::path self_dir;       // where rrr-supervisor lives
};

int startCommand(const CommandOptions& options, bool foreground);
int statusCommand(const CommandOptions& options, const std::string& name, bool json);
// restart, stop, reload, reset: one control request, its reply printed.
int controlCommand(const CommandOptions& options, const std::string& verb, const std::string& name);
// killswitch on|off: the control request, then a wait of up to `wait` for rrr-risk to apply it
// (risk/switch_confirmation.h; exit 3 if it does not).
int killSwitchCommand(const CommandOptions& options, bool on, std::chrono::milliseconds wait);
// rearm: lifts a trading halt through the control socket, then waits as killswitch does.
int rearmCommand(const CommandOptions& options, std::chrono::milliseconds wait);
int logsCommand(const CommandOptions& options, const std::string& name, int lines, bool follow);
// Removes a stopped run's ring segments; refuses while anything of the run is alive, or while a
// durable consumer has not committed everything, unless discard.
int removeRingsCommand(const CommandOptions& options, bool discard);
int installServiceCommand(const CommandOptions& options, const std::filesystem::path& self);

}  // namespace rrr::supervisor
