// rrr-store: the only SQLite writer (procs/store/README.md).
#include "common/process/process_runtime.h"
#include "store/store_agent.h"

int main() {
  return rrr::process::runProcessMain([](auto& runtime) { return rrr::store::StoreAgent::create(runtime); });
}
