#pragma once
// The supervisor's record of one process: its spec, what it should be doing (wanted), what it is
// doing (state), and its history (restarts, last exit).

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

#include "restart_policy.h"
#include "rotating_log.h"
#include "schemas/system_generated.h"
#include "supervisor/config.h"

namespace rrr::supervisor {

// Stopped: not running, will start when wanted and its dependencies are ready.
// Starting: launched, waiting for its first heartbeat. Ready: heartbeating.
// Stopping: SIGTERM sent, SIGKILL at stop_deadline. BackingOff: waiting for restart_at.
// GivenUp: hit its restart intensity limit; stays down until `reset`.
enum class ProcessPhase { kStopped, kStarting, kReady, kStopping, kBackingOff, kGivenUp };

struct ManagedProcess {
  ManagedProcess(ProcessSpec spec_in, RotatingLog log_in) : spec(std::move(spec_in)), log(std::move(log_in)) {}

  ProcessSpec spec;
  RotatingLog log;
  bool wanted = true;
  bool restart_requested = false;        // `restart NAME`: start again at once after it stops
  ProcessPhase phase = ProcessPhase::kStopped;
  pid_t pid = 0;
  int output_fd = -1;
  Clock::time_point started_at{};
  Clock::time_point last_heartbeat{};
  std::int64_t event_lag_ns = 0;   // from the last heartbeat (ingest: event time behind wall time)
  // Ring -> its lag and read position as the last heartbeat of `ring_reads_pid` reported them. A
  // consumer's cursor in the ring is where it committed, which can trail what it has read (the
  // engine commits at its checkpoints).
  struct RingRead {
    std::uint64_t lag = 0;
    std::uint64_t read_cursor = 0;
  };
  std::map<std::string, RingRead> ring_reads;
  pid_t ring_reads_pid = 0;
  Clock::time_point stop_deadline{};
  Clock::time_point restart_at{};
  std::optional<std::string> kill_reason;  // why the supervisor killed it (watchdog, not ready)
  std::string last_exit;
  bool degraded = false;                   // its last heartbeat said Degraded
  std::string degraded_reason;
  unsigned restarts = 0;
  int consecutive_failures = 0;
  RestartIntensity intensity;

  bool running() const { return phase == ProcessPhase::kStarting || phase == ProcessPhase::kReady || phase == ProcessPhase::kStopping; }
};

msg::ProcessState toProcessState(ProcessPhase phase);
const char* toString(ProcessPhase phase);

}  // namespace rrr::supervisor
