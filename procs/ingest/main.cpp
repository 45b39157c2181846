// rrr-ingest: market data into the md ring (procs/ingest/README.md); `rrr-ingest import FILE...`
// loads history into market_data instead.
#include <cstring>

#include "common/process/process_runtime.h"
#include "import_command.h"
#include "ingest/ingest_agent.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "import") == 0) return rrr::ingest::runImportCommand(argc - 1, argv + 1);
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::ingest::IngestAgent::create(runtime); });
}
