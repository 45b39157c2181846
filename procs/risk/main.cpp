// rrr-risk: the gate every order intent passes (procs/risk/README.md); `rrr-risk killswitch|rearm|
// status` change or show its switches instead.
#include <cstring>

#include "common/process/process_runtime.h"
#include "risk/risk_agent.h"
#include "switch_command.h"

int main(int argc, char** argv) {
  if (argc > 1 && argv[1][0] != '-') return rrr::risk::runSwitchCommand(argc, argv);
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::risk::RiskAgent::create(runtime); });
}
