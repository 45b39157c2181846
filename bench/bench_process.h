#pragma once
// Helpers for two-process benchmarks: a forked child on its own core, a shared clock, pacing.

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <stdexcept>

namespace rrr::bench {

// CLOCK_MONOTONIC: the same clock in every process on the host, so a send time written by one
// process can be subtracted from a receive time read in another.
inline std::int64_t steadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void pinToCpu(int cpu) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// Sleeps until `deadline_ns` on the steady clock. The sender stamps each message after waking,
// so its own wake-up jitter is not measured; sleeping (not spinning) leaves the sender's core to
// ZeroMQ's I/O thread, which a spinning sender would starve.
inline void sleepUntil(std::int64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = deadline_ns / 1'000'000'000;
  deadline.tv_nsec = deadline_ns % 1'000'000'000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

// A forked child running body on CPU 1 while the parent runs on CPU 0; body's return is the
// child's exit code.
class ForkedChild {
 public:
  explicit ForkedChild(const std::function<int()>& body) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      pinToCpu(1);
      _exit(body());
    }
    pinToCpu(0);
  }
  ~ForkedChild() {
    if (pid_ > 0) join();
  }
  ForkedChild(const ForkedChild&) = delete;
  ForkedChild& operator=(const ForkedChild&) = delete;

  // Waits for the child; true if it exited with 0.
  bool join() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace rrr::bench
