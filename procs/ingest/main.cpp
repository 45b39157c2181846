// rrr-ingest: market data into the md ring (procs/ingest/README.md).
#include "common/process/process_runtime.h"
#include "ingest/ingest_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::ingest::IngestAgent::create(runtime); });
}
