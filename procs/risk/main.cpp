// rrr-risk: the gate every order intent passes (procs/risk/README.md).
#include "common/process/process_runtime.h"
#include "risk/risk_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::risk::RiskAgent::create(runtime); });
}
