#pragma once
// Agent: the logic of one process, driven by ProcessRuntime's loop (Aeron's agent pattern):
//   while not stopping: work = doWork(); heartbeat if due; if work == 0: idle(until next heartbeat)

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace rrr::process {

struct RingLagReport {
  std::string ring;
  std::uint64_t lag = 0;
  std::uint64_t gaps = 0;
  std::uint64_t read_cursor = 0;   // the next sequence the process will read
};

class Agent {
 public:
  virtual ~Agent() = default;
  // Does what is ready to do without waiting; returns the number of items handled (0: idle).
  // Bounded however far behind the agent is: heartbeats go out only between calls, so one call
  // must stay well within the supervisor's watchdog (take a backlog a few hundred items a call).
  virtual int doWork() = 0;
  // Waits up to max_wait for work (typically blocking on the agent's main input ring).
  virtual void idle(std::chrono::milliseconds max_wait) = 0;
  // Called when the thread is about to sleep (ring::runBeforeBlocking: in a ring's wait, or an
  // agent's own sleep), never while it polls: readies what the next burst will touch (the pages
  // of each ring ahead of this process's writer and readers), so that the burst does not pay.
  virtual void prepareForBurst() {}
  // Unread messages per input ring, reported in heartbeats.
  virtual std::vector<RingLagReport> ringLags() const { return {}; }
  // How far the agent's event time is behind the wall clock, for a process that paces events by
  // it (ingest); 0 for the others. Sent in heartbeats.
  virtual std::int64_t eventLagNs() const { return 0; }
  // Called once after the loop ends on SIGTERM, to flush and close.
  virtual void onStop() {}
  // Whether the agent can do its job (Ready) or runs held back by a fault it is retrying
  // (Degraded: the supervisor shows it; it is not restarted for it).
  virtual bool degraded() const { return false; }
  // Why, when degraded; sent in heartbeats.
  virtual std::string degradedReason() const { return {}; }
};

}  // namespace rrr::process
