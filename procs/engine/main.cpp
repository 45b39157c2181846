// rrr-engine: strategies, orders and execution (procs/engine/README.md).
#include "common/process/process_runtime.h"
#include "engine/engine_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::engine::EngineAgent::create(runtime); });
}
