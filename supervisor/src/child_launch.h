#pragma once
// Starting one child process.
//
// fork + exec from the supervisor's main thread, so that PR_SET_PDEATHSIG (which fires when the
// forking *thread* exits) means "when the supervisor dies". The child: joins its own process group
// (stop signals reach all it starts), sets PDEATHSIG to SIGKILL and then checks that its parent is
// still the supervisor (it may have died before the prctl), sends stdout and stderr into a pipe the
// supervisor reads into the log, and execs. Between fork and exec only async-signal-safe calls run.
//
// realtime_priority > 0: the child's main thread runs under SCHED_FIFO at that priority, with
// SCHED_RESET_ON_FORK so that the threads it starts (ZeroMQ's, the log flusher) stay under the
// normal scheduler. If the kernel refuses (no CAP_SYS_NICE, RLIMIT_RTPRIO too low), the child
// says so on its output (the process log) and runs under the normal scheduler.
//
// cpus not empty: the child and every thread it starts run only on those CPUs
// (sched_setaffinity). If the kernel refuses (none of them is online), the child says so on its
// output and runs on every CPU.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::supervisor {

struct LaunchedChild {
  pid_t pid = -1;
  int output_fd = -1;   // read end of the child's stdout+stderr, non-blocking; the caller closes it
};

enum class LaunchError { kPipe, kFork };

Result<LaunchedChild, LaunchError> launchChild(const std::string& binary, const std::vector<std::string>& args,
                                               const std::map<std::string, std::string>& extra_env, int realtime_priority = 0,
                                               const std::vector<int>& cpus = {});

}  // namespace rrr::supervisor
