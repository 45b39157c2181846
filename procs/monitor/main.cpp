// rrr-monitor: watches every stream (procs/monitor/README.md).
#include "common/process/process_runtime.h"
#include "monitor/monitor_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::monitor::MonitorAgent::create(runtime); });
}
