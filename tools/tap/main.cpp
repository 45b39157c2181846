// rrr-tap: prints any stream of a running rrr as JSON lines (docs/ARCHITECTURE.md, "The tap").
#include <CLI/CLI.hpp>

#include <filesystem>

#include "supervisor/config.h"
#include "tap_session.h"

int main(int argc, char** argv) {
  CLI::App app{"rrr-tap: print messages from a running rrr, one JSON line each"};
  rrr::tap::TapOptions options;
  std::filesystem::path config_path = "config/rrr.yml";
  app.add_option("topics", options.topics, "message types to print (Bar, Prediction, OrderIntent, Heartbeat, Alert, ...); all if none");
  app.add_option("--config", config_path, "config file, for the run directory")->capture_default_str();
  app.add_option("--run-dir", options.run_dir, "run directory (instead of the config's)");
  app.add_option("--endpoint", options.endpoints, "an extra tap endpoint, e.g. tcp://host:5556");
  app.add_option("--count", options.count, "stop after this many messages");
  app.add_option("--seconds", options.seconds, "stop after this many seconds");
  app.add_flag("--stats", options.stats, "print messages per second per topic instead of messages");
  CLI11_PARSE(app, argc, argv);
  if (options.run_dir.empty()) {
    const auto self_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    auto config = rrr::supervisor::loadConfig(config_path, self_dir);
    if (!config.ok()) {
      std::fprintf(stderr, "rrr-tap: %s (or give --run-dir)\n", config.error().message.c_str());
      return 2;
    }
    options.run_dir = config->run_dir;
  }
  return rrr::tap::runTap(options);
}
