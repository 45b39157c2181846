#include "import_command.h"

#include <CLI/CLI.hpp>

#include "ingest/import_cli.h"
#include "supervisor/config.h"

namespace rrr::ingest {

int runImportCommand(int argc, char** argv) {
  CLI::App app{"rrr-ingest import: history files into market_data (rrr must be stopped)"};
  std::filesystem::path config_path = "config/rrr.yml";
  app.add_option("--config", config_path, "config file, for the data and run folders")->capture_default_str();
  ImportOptions options;
  addImportOptions(app, options);
  CLI11_PARSE(app, argc, argv);
  auto request = importRequestOf(options);
  if (!request.ok()) {
    std::fprintf(stderr, "rrr-ingest import: %s\n", request.error().message.c_str());
    return 2;
  }
  const auto self_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  auto config = supervisor::loadConfig(config_path, self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-ingest import: %s\n", config.error().message.c_str());
    return 2;
  }
  return importHistory(config->data_dir / "db", config->run_dir, options.files, request.value());
}

}  // namespace rrr::ingest
