#pragma once
// Wakes an idle rrr-risk when the switch folder (data/risk) changes, so that `rrr-risk killswitch`,
// the supervisor's control socket and `rrr-risk rearm` take effect within milliseconds. Without
// it, an rrr-risk blocked on the intent ring (no intents: a quiet market, or a feed paced in real
// time) looks at the folder only at its next heartbeat, up to supervisor.heartbeat_ms later.
//
// A thread of its own blocks on an inotify watch of the folder (a SwitchWatch of its own; the
// main thread's stays the one that decides what changed) and calls wake() on a change. wake()
// cannot tell whether the main thread is asleep yet, so it is called again every kRetry until
// the main thread takes the wake-up (takeWake), which it does when it wakes.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

namespace rrr::risk {

class SwitchWaker {
 public:
  // Starts the thread; without inotify or an eventfd there is none (said in the log), and rrr-risk
  // looks at the folder at its heartbeats as before.
  SwitchWaker(std::filesystem::path dir, std::function<void()> wake);
  ~SwitchWaker();
  SwitchWaker(const SwitchWaker&) = delete;
  SwitchWaker& operator=(const SwitchWaker&) = delete;

  // True once per change seen since the last call: the main thread was woken for the switches.
  bool takeWake() { return woken_.exchange(false, std::memory_order_acq_rel); }

  static constexpr auto kRetry = std::chrono::milliseconds(5);

 private:
  void run(std::filesystem::path dir);

  std::function<void()> wake_;
  std::atomic<bool> woken_{false};
  int stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace rrr::risk
