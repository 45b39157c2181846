#include "common/os/burst_cpu.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace rrr::os {

BurstCpu::BurstCpu(Side side) {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 2 || online > CPU_SETSIZE) return;
  if (const char* off = std::getenv("RRR_BURST_CPU"); off != nullptr && std::strcmp(off, "0") == 0) return;
  if (sched_getaffinity(0, sizeof(started_with_), &started_with_) != 0) return;
  const int last = static_cast<int>(online) - 1;
  for (int cpu = 0; cpu <= last; ++cpu) {
    if (!CPU_ISSET(cpu, &started_with_)) return;   // placed by its config: leave it there
  }
  CPU_ZERO(&burst_);
  if (side == Side::kLast) {
    CPU_SET(last, &burst_);
  } else {
    for (int cpu = 0; cpu < last; ++cpu) CPU_SET(cpu, &burst_);
  }
  enabled_ = true;
}

void BurstCpu::enter() {
  if (!enabled_ || inside_) return;
  inside_ = sched_setaffinity(0, sizeof(burst_), &burst_) == 0;
}

void BurstCpu::leave() {
  if (!inside_) return;
  inside_ = false;
  (void)sched_setaffinity(0, sizeof(started_with_), &started_with_);
}

}  // namespace rrr::os
