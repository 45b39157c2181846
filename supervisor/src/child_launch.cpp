#include "child_launch.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

extern char** environ;

namespace rrr::supervisor {
namespace {

// Inherited variables, with extra_env overriding and extending them.
std::vector<std::string> environmentFor(const std::map<std::string, std::string>& extra_env) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string::npos) merged[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [key, value] : extra_env) merged[key] = value;
  std::vector<std::string> result;
  for (const auto& [key, value] : merged) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

// The realtime and CPU requests and what the child says if one is refused, prepared before fork
// (between fork and exec nothing allocates).
struct Realtime {
  int priority = 0;
  std::string refused;
};
struct Affinity {
  bool requested = false;
  cpu_set_t set{};
  std::string refused;
};

[[noreturn]] void execChild(int output_fd, pid_t supervisor, const Realtime& realtime, const Affinity& affinity, char* const argv[],
                            char* const envp[]) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != supervisor) _exit(126);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  close_range(3, UINT_MAX, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int signo : {SIGPIPE, SIGTERM, SIGINT, SIGCHLD}) signal(signo, SIG_DFL);
  if (realtime.priority > 0) {
    sched_param param{};
    param.sched_priority = realtime.priority;
    if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) != 0) {
      (void)!write(STDERR_FILENO, realtime.refused.data(), realtime.refused.size());
    }
  }
  if (affinity.requested && sched_setaffinity(0, sizeof(affinity.set), &affinity.set) != 0) {
    (void)!write(STDERR_FILENO, affinity.refused.data(), affinity.refused.size());
  }
  execve(argv[0], argv, envp);
  static const char kMessage[] = "rrr-supervisor: exec failed\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  _exit(127);
}

}  // namespace

Result<LaunchedChild, LaunchError> launchChild(const std::string& binary, const std::vector<std::string>& args,
                                               const std::map<std::string, std::string>& extra_env, int realtime_priority,
                                               const std::vector<int>& cpus) {
  Realtime realtime{realtime_priority, {}};
  if (realtime_priority > 0) {
    realtime.refused = "rrr-supervisor: realtime_priority " + std::to_string(realtime_priority) +
                       " was refused (it needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least that); this process runs under the "
                       "normal scheduler\n";
  }
  Affinity affinity;
  if (!cpus.empty()) {
    affinity.requested = true;
    CPU_ZERO(&affinity.set);
    std::string listed;
    for (const int cpu : cpus) {
      CPU_SET(cpu, &affinity.set);
      listed += (listed.empty() ? "" : ", ") + std::to_string(cpu);
    }
    affinity.refused = "rrr-supervisor: cpus [" + listed + "] was refused (none of them is online here); this process runs on every CPU\n";
  }
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto env_strings = environmentFor(extra_env);
  const auto argv = pointers(argv_strings);
  const auto envp = pointers(env_strings);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return makeError(LaunchError::kPipe, std::string("cannot create an output pipe: ") + std::strerror(errno));
  }
  const pid_t supervisor = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return makeError(LaunchError::kFork, std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) execChild(pipe_fds[1], supervisor, realtime, affinity, argv.data(), envp.data());
  setpgid(pid, pid);  // also here, so the group exists before we ever signal it
  close(pipe_fds[1]);
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  return LaunchedChild{pid, pipe_fds[0]};
}

}  // namespace rrr::supervisor
