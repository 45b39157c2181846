#pragma once
// Supervisor: starts every configured process in dependency order (each once those it depends on
// have sent their first heartbeat), watches heartbeats, restarts per policy with backoff and an
// intensity limit, answers control requests, and captures every child's output into its log.
//
// Single-threaded: one poll loop over the control socket, the heartbeat socket, the children's
// output pipes and a signalfd (SIGCHLD, SIGTERM, SIGINT). Children are forked from this thread.

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "supervisor/config.h"

namespace rrr::supervisor {

enum class SupervisorError { kAlreadyRunning, kSetup };

class Supervisor {
 public:
  // Takes the run lock, clears what a dead supervisor left (children, sockets), prepares rings
  // and binds the sockets. self_dir is where rrr-supervisor lives (for `reload`).
  static Result<std::unique_ptr<Supervisor>, SupervisorError> create(SupervisorConfig config,
                                                                      std::filesystem::path self_dir);
  ~Supervisor();

  // Runs until `stop` (or SIGTERM/SIGINT) has stopped every process. on_ready is called once,
  // when every process has first reported ready, with a summary of what was started; on_failure
  // if that cannot happen (a process given up before all were ready). Returns the exit code.
  int run(const std::function<void(const std::string&)>& on_ready,
          const std::function<void(const std::string&)>& on_failure);

  struct State;  // opaque; supervisor/src/supervisor_state.h

 private:
  explicit Supervisor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace rrr::supervisor
