#pragma once
// The supervisor's configuration (config/rrr.yml): paths, supervision settings, rings and the
// processes to run. loadConfig() rejects anything it does not understand with an error that names
// the file, the line and the key; nothing is started from a config that does not load.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::supervisor {

enum class RestartPolicy { kAlways, kOnFailure, kNever };
enum class Strategy { kOneForOne, kOneForAll };

struct ProcessSpec {
  std::string name;
  std::filesystem::path binary;            // resolved, absolute
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::vector<std::string> depends_on;
  RestartPolicy restart = RestartPolicy::kAlways;
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  int max_restarts = 5;                    // within restart_window, then the process is given up
  std::chrono::seconds restart_window{30};
  std::chrono::milliseconds ready_timeout{5000};
  std::chrono::milliseconds stop_timeout{3000};
  int realtime_priority = 0;               // SCHED_FIFO priority of its main thread; 0: normal scheduler
  std::vector<int> cpus;                   // the CPUs it and its threads may run on; empty: any
  std::string settings_yaml;               // processes.NAME.settings, for comparing on reload

  bool operator==(const ProcessSpec&) const = default;
};

struct RingSpec {
  std::string name;
  std::uint32_t slot_bytes = 512;
  std::uint64_t capacity = 16384;
  std::string producer;
  std::vector<std::string> durable;        // consumers the producer never overwrites
  std::vector<std::string> lossy;
};

struct SupervisorConfig {
  std::filesystem::path config_path;       // absolute
  std::filesystem::path root;
  std::filesystem::path run_dir;
  std::filesystem::path log_dir;
  std::filesystem::path data_dir;
  std::filesystem::path backup_dir;
  Strategy strategy = Strategy::kOneForOne;
  std::chrono::milliseconds heartbeat_interval{500};
  std::chrono::milliseconds watchdog_timeout{2000};
  std::uint64_t log_max_bytes = 10 * 1024 * 1024;
  int log_files = 5;
  // supervisor.idle_cores: poll. While it runs, the supervisor holds a CPU latency request of 0 us
  // (os/cpu_latency_request.h): idle cores poll instead of halting. Lower latency on the hot path
  // for a core's worth of host CPU per idle core, all the time. Default halt.
  bool poll_idle_cores = false;
  std::vector<RingSpec> rings;
  std::vector<ProcessSpec> processes;      // in dependency order: each after what it depends on

  const ProcessSpec* process(const std::string& name) const;
  // Prefix of this run's ring segment names, derived from the run directory so that two
  // installations on one machine never share a ring.
  std::string ringPrefix() const;
};

enum class ConfigError { kUnreadable, kSyntax, kUnknownKey, kBadValue, kMissingBinary, kDependencyCycle };

// Loads and checks path. self_dir is where rrr-supervisor lives: bare binary names are looked up
// there first, then on PATH.
Result<SupervisorConfig, ConfigError> loadConfig(const std::filesystem::path& path, const std::filesystem::path& self_dir);

const char* toString(RestartPolicy policy);

// The ring segment name prefix of a run directory (SupervisorConfig::ringPrefix()).
std::string ringPrefixFor(const std::filesystem::path& run_dir);

// The names of the ring segments in /dev/shm that belong to a run directory, sorted.
std::vector<std::string> ringSegmentNames(const std::filesystem::path& run_dir);

// Removes every ring segment of a run directory; for tests and tools that own a whole run.
// Returns how many were removed.
int removeRingSegments(const std::filesystem::path& run_dir);

}  // namespace rrr::supervisor
