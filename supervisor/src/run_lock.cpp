#include "run_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace rrr::supervisor {
namespace {

// Field 22 of /proc/PID/stat: start time in clock ticks since boot; 0 if the process is gone.
unsigned long long startTime(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return std::stoull(field);
  }
  return 0;
}

std::filesystem::path lockPath(const std::filesystem::path& run_dir) { return run_dir / "supervisor.lock"; }

}  // namespace

Result<RunLock, RunLockError> RunLock::acquire(const std::filesystem::path& run_dir) {
  std::error_code error;
  std::filesystem::create_directories(run_dir, error);
  if (error || chmod(run_dir.c_str(), 0700) != 0) {
    return makeError(RunLockError::kSystem, "cannot create run directory " + run_dir.string() + ": " +
                                                (error ? error.message() : std::strerror(errno)));
  }
  const int fd = open(lockPath(run_dir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return makeError(RunLockError::kSystem, "cannot open " + lockPath(run_dir).string() + ": " + std::strerror(errno));
  auto lock = os::ByteLock::tryAcquire(fd, 0);
  if (!lock.held()) {
    close(fd);
    return makeError(RunLockError::kAlreadyRunning, "a supervisor is already running in " + run_dir.string() +
                                                        " (pid " + std::to_string(runningSupervisor(run_dir)) + ")");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    close(fd);
    return makeError(RunLockError::kSystem, "cannot write " + lockPath(run_dir).string());
  }
  return RunLock(run_dir, fd, std::move(lock));
}

RunLock::RunLock(std::filesystem::path run_dir, int fd, os::ByteLock lock)
    : run_dir_(std::move(run_dir)), fd_(fd), lock_(std::move(lock)) {}

RunLock::RunLock(RunLock&& other) noexcept
    : run_dir_(std::move(other.run_dir_)), fd_(std::exchange(other.fd_, -1)), lock_(std::move(other.lock_)) {}

RunLock::~RunLock() {
  lock_ = os::ByteLock();
  if (fd_ >= 0) close(fd_);
}

pid_t RunLock::runningSupervisor(const std::filesystem::path& run_dir) {
  const int fd = open(lockPath(run_dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  pid_t pid = 0;
  if (os::isByteLockedByOther(fd, 0)) {
    char buffer[32] = {};
    if (pread(fd, buffer, sizeof(buffer) - 1, 0) > 0) pid = static_cast<pid_t>(std::atol(buffer));
  }
  close(fd);
  return pid;
}

int RunLock::killStaleChildren() const {
  std::ifstream in(run_dir_ / "children");
  std::string name;
  pid_t pid = 0;
  unsigned long long started = 0;
  int killed = 0;
  while (in >> name >> pid >> started) {
    if (pid > 0 && started != 0 && startTime(pid) == started) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      ++killed;
    }
  }
  return killed;
}

void RunLock::recordChildren(const std::vector<Child>& children) const {
  const auto path = run_dir_ / "children";
  const auto temporary = run_dir_ / "children.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& child : children) out << child.name << ' ' << child.pid << ' ' << startTime(child.pid) << '\n';
  }
  std::error_code ignored;
  std::filesystem::rename(temporary, path, ignored);
}

}  // namespace rrr::supervisor
