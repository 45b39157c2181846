#pragma once
// A real child process for multi-process tests: started with posix_spawn, SIGKILLed (whole
// process group) on destruction, so a failing test never leaves processes behind.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace rrr::testing {

class ChildProcess {
 public:
  // Starts program with arguments (argv[0] is program) in its own process group.
  static ChildProcess spawn(const std::string& program, const std::vector<std::string>& arguments);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signo);
  void kill9() { signal(9); }

  // Waits up to timeout for exit; the wait status, or nothing if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The directory of the running test binary; helper binaries are built beside it.
std::string binaryDirectory();

// Exit code of a wait status, or -signal if it died of a signal.
int exitCodeOf(int wait_status);

}  // namespace rrr::testing
