#pragma once
// Where a stage of the hot path runs during a paced burst. Left to itself the scheduler put
// rrr-engine and rrr-risk on one core and rrr-infer and rrr-ingest on the other (perf sched
// traces, 2 cores): each stage then waits for the one it shares a core with at every hop. During a
// burst (from rrr-ingest's heads-up until the stage sleeps again) each stage keeps to the CPUs of
// its side: rrr-ingest and rrr-engine the last CPU, rrr-infer and rrr-risk the others, so that the
// two stages that share a core are never due at once. Between bursts, and with an unpaced feed
// (no heads-up), the process may run on every CPU it was started with, so throughput keeps both
// cores. A process started on fewer than all online CPUs (processes.NAME.cpus) is left as it is.

#include <sched.h>

namespace rrr::os {

class BurstCpu {
 public:
  enum class Side { kLast, kOthers };

  explicit BurstCpu(Side side);

  // At a heads-up: keep to this side's CPUs. A system call (and a move to another core) ~1 ms
  // before the bar, not on the path.
  void enter();
  // Before sleeping until the next burst: every CPU the process was started with again.
  void leave();

  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = false;
  bool inside_ = false;
  cpu_set_t started_with_{};
  cpu_set_t burst_{};
};

}  // namespace rrr::os
