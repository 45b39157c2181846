#include "common/process/process_context.h"

#include <cstdlib>

namespace rrr::process {
namespace {

Result<std::string, ContextError> variable(const char* key) {
  const char* value = std::getenv(key);
  if (value == nullptr || *value == '\0') {
    return makeError(ContextError::kMissingVariable,
                     std::string("environment variable ") + key + " is not set (is this process started by rrr-supervisor?)");
  }
  return std::string(value);
}

}  // namespace

std::string ProcessContext::tapEndpoint() const { return "ipc://" + (run_dir / ("tap-" + name + ".sock")).string(); }

std::string ProcessContext::heartbeatEndpoint() const { return "ipc://" + (run_dir / "heartbeat.sock").string(); }

Result<ProcessContext, ContextError> ProcessContext::fromEnvironment() {
  ProcessContext context;
  for (auto [key, target] : {std::pair{"RRR_PROCESS", &context.name}, std::pair{"RRR_RING_PREFIX", &context.ring_prefix}}) {
    auto value = variable(key);
    if (!value.ok()) return value.error();
    *target = value.value();
  }
  for (auto [key, target] : {std::pair{"RRR_RUN_DIR", &context.run_dir}, std::pair{"RRR_DATA_DIR", &context.data_dir},
                             std::pair{"RRR_BACKUP_DIR", &context.backup_dir},
                             std::pair{"RRR_CONFIG", &context.config_path}}) {
    auto value = variable(key);
    if (!value.ok()) return value.error();
    *target = value.value();
  }
  auto heartbeat = variable("RRR_HEARTBEAT_MS");
  if (!heartbeat.ok()) return heartbeat.error();
  char* end = nullptr;
  const long milliseconds = std::strtol(heartbeat->c_str(), &end, 10);
  if (*end != '\0' || milliseconds <= 0 || milliseconds > 60'000) {
    return makeError(ContextError::kBadValue, "RRR_HEARTBEAT_MS = '" + heartbeat.value() + "' must be 1..60000");
  }
  context.heartbeat_interval = std::chrono::milliseconds(milliseconds);
  return context;
}

}  // namespace rrr::process
