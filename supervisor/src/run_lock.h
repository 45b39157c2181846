#pragma once
// One supervisor per run directory. run/supervisor.lock holds an OFD lock (released by the kernel
// however the supervisor dies) and the pid, for the message a second supervisor prints.
// run/children lists the children with their start times, so that a new supervisor can kill any
// that outlived a dead one (PDEATHSIG should have done it; this is the second line of defence).

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/os/byte_lock.h"
#include "common/result.h"

namespace rrr::supervisor {

enum class RunLockError { kAlreadyRunning, kSystem };

class RunLock {
 public:
  // Creates run_dir (0700) and takes the lock; kAlreadyRunning names the live supervisor's pid.
  static Result<RunLock, RunLockError> acquire(const std::filesystem::path& run_dir);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  ~RunLock();

  // Kills (SIGKILL, whole group) the children listed by a previous supervisor that still run;
  // returns how many. A pid is only killed if its start time matches the record (no pid reuse).
  int killStaleChildren() const;

  struct Child {
    std::string name;
    pid_t pid;
  };
  void recordChildren(const std::vector<Child>& children) const;

  // The pid holding the lock of run_dir, or 0 if no supervisor runs there.
  static pid_t runningSupervisor(const std::filesystem::path& run_dir);

 private:
  RunLock(std::filesystem::path run_dir, int fd, os::ByteLock lock);
  std::filesystem::path run_dir_;
  int fd_ = -1;
  os::ByteLock lock_;
};

}  // namespace rrr::supervisor
