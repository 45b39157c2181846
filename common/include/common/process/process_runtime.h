#pragma once
// ProcessRuntime: what every rrr process shares: its context from the environment, SIGTERM and
// SIGINT handling, a tap publisher, and heartbeats to the supervisor.
//
// The first Heartbeat (state Ready) is the process's readiness message; it is sent once the agent
// is built, i.e. once its rings are attached and its state restored. Heartbeats go out from the
// main loop only, so a hung loop stops them and the supervisor's watchdog restarts the process.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "common/bus/tap.h"
#include "common/process/agent.h"
#include "common/process/process_context.h"

namespace rrr::process {

class ProcessRuntime {
 public:
  explicit ProcessRuntime(ProcessContext context);

  const ProcessContext& context() const { return context_; }
  zmq::context_t& zmq() { return zmq_; }
  // Copies of this process's messages for rrr-tap and the monitor (lossy).
  bus::TapPublisher& tap() { return *tap_; }

  // Runs the agent until SIGTERM or SIGINT; returns the process exit code.
  int run(Agent& agent);

  static bool stopRequested();

 private:
  void sendHeartbeat(Agent& agent);
  static bool caughtUp(const Agent& agent);

  ProcessContext context_;
  zmq::context_t zmq_;
  std::optional<bus::TapPublisher> tap_;
  std::optional<zmq::socket_t> heartbeat_;
  std::uint64_t loop_iterations_ = 0;
  std::uint64_t heartbeat_sequence_ = 0;
  bool behind_at_heartbeat_ = false;   // the last heartbeat reported unread input
};

using AgentFactory = std::function<std::unique_ptr<Agent>(ProcessRuntime& runtime)>;

// The whole main() of a process: logging to stdout (the supervisor captures it), context from the
// environment, the runtime, the agent from factory (nullptr: it logged why; exit 1), then run().
// Exit codes: 0 stopped cleanly, 1 could not start, 2 bad environment.
int runProcessMain(const AgentFactory& factory);

}  // namespace rrr::process
