#pragma once
// What a process started by rrr-supervisor learns from its environment: who it is, where the run
// directory is, how its rings are named, how often to heartbeat, and which config to read.
//
//   RRR_PROCESS       process name, e.g. "engine"
//   RRR_RUN_DIR       absolute run directory (sockets)
//   RRR_DATA_DIR      absolute data directory (databases, models)
//   RRR_BACKUP_DIR    absolute backups directory
//   RRR_RING_PREFIX   prefix of this run's ring segment names
//   RRR_HEARTBEAT_MS  heartbeat interval
//   RRR_CONFIG        absolute path of the config file (each process reads processes.NAME.settings)

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rrr::process {

enum class ContextError { kMissingVariable, kBadValue };

struct ProcessContext {
  std::string name;
  std::filesystem::path run_dir;
  std::filesystem::path data_dir;
  std::filesystem::path backup_dir;
  std::string ring_prefix;
  std::chrono::milliseconds heartbeat_interval{250};
  std::filesystem::path config_path;

  // The segment name of one of this run's rings ("md" -> "rrr-1a2b3c4d-md").
  std::string ringName(std::string_view ring) const { return ring_prefix + std::string(ring); }
  std::string tapEndpoint() const;         // ipc://<run>/tap-<name>.sock
  std::string heartbeatEndpoint() const;   // ipc://<run>/heartbeat.sock (the supervisor's PULL)
  // rrr-engine's checkpoint (engine/engine_checkpoint.h), which rrr-ingest also reads after a
  // reboot to know where the engine stands (ingest/engine_point.h).
  std::filesystem::path engineCheckpointPath() const { return data_dir / "engine" / "checkpoint.json"; }

  static Result<ProcessContext, ContextError> fromEnvironment();
};

}  // namespace rrr::process
