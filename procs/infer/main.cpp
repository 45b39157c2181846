// rrr-infer: Predictions from Bars (procs/infer/README.md).
#include "common/process/process_runtime.h"
#include "infer/infer_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::infer::InferAgent::create(runtime); });
}
