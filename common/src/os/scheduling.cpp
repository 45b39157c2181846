#include "common/os/scheduling.h"

#include <sched.h>

namespace rrr::os {

bool underFifoPolicy() {
  const int policy = sched_getscheduler(0);
  return policy >= 0 && (policy & ~SCHED_RESET_ON_FORK) == SCHED_FIFO;
}

}  // namespace rrr::os
