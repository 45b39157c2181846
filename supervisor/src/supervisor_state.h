#pragma once
// The supervisor's state and the operations its loop, lifecycle and control files share.

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "common/bus/control.h"
#include "common/bus/tap.h"
#include "common/messages/envelope.h"
#include "common/messages/inbound_gate.h"
#include "common/os/cpu_latency_request.h"
#include "common/ring/ring_producer.h"
#include "common/ring/ring_segment.h"
#include "managed_process.h"
#include "run_lock.h"
#include "supervisor/supervisor.h"

namespace rrr::supervisor {

struct Supervisor::State {
  State(SupervisorConfig config_in, std::filesystem::path self_dir_in, RunLock lock_in)
      : config(std::move(config_in)), self_dir(std::move(self_dir_in)), lock(std::move(lock_in)) {}

  SupervisorConfig config;
  std::filesystem::path self_dir;
  RunLock lock;
  zmq::context_t zmq;
  std::optional<bus::ControlServer> control;
  std::optional<zmq::socket_t> heartbeats;
  std::optional<bus::TapPublisher> tap;
  messages::InboundGate heartbeat_gate{"heartbeat socket"};
  std::vector<ring::RingSegment> rings;
  std::optional<ring::RingProducer> system_ring;
  std::optional<os::CpuLatencyRequest> idle_polling;   // supervisor.idle_cores: poll; dropped with the state
  std::uint64_t system_dropped = 0;
  std::vector<std::unique_ptr<ManagedProcess>> processes;
  std::mt19937_64 random{std::random_device{}()};
  int signal_fd = -1;
  bool shutting_down = false;
  // The orderly stop: sources first, then, once their messages are read and committed (or at this
  // deadline), the rest, dependents first.
  std::optional<Clock::time_point> drain_deadline;
  bool all_ready_reported = false;
  std::uint64_t tap_sequence = 0;
  std::function<void(const std::string&)> on_ready;
  std::function<void(const std::string&)> on_failure;

  ManagedProcess* find(const std::string& name);
  ManagedProcess* findByPid(pid_t pid);
  std::map<std::string, std::string> childEnvironment(const ManagedProcess& process) const;
  void recordChildren();

  // Lifecycle (supervisor_lifecycle.cpp).
  void tick(Clock::time_point now);
  void launch(ManagedProcess& process, Clock::time_point now);
  void beginStop(ManagedProcess& process, Clock::time_point now);
  void killGroup(ManagedProcess& process, const std::string& reason);
  void onExit(ManagedProcess& process, int wait_status, Clock::time_point now);
  void onHeartbeat(const msg::Envelope& envelope, Clock::time_point now);
  void reapChildren(Clock::time_point now);
  void drainOutput(ManagedProcess& process);
  void raiseAlert(msg::Severity severity, const std::string& rule, const std::string& subject, const std::string& text);
  void publishStatus(const ManagedProcess& process, Clock::time_point now);
  // Publishes an event on the tap and on the system ring (never waiting: a full ring is counted).
  void publishEvent(std::string_view topic, std::span<const std::byte> envelope);
  bool dependenciesReady(const ManagedProcess& process) const;
  bool dependentsStopped(const ManagedProcess& process) const;
  // A process that produces a ring and reads none (rrr-ingest): where new input comes from.
  bool isSource(const ManagedProcess& process) const;
  bool sourcesStopped() const;
  // Whether every ring's durable readers that are running have committed all of it (the system
  // ring aside: its producer is this supervisor); true, with what is left logged, past the deadline.
  bool drained(Clock::time_point now);
  void checkAllReady();

  // Control (supervisor_control.cpp).
  std::vector<std::byte> handleRequest(std::span<const std::byte> request);
  flatbuffers::Offset<msg::ProcessStatus> buildStatus(flatbuffers::FlatBufferBuilder& fbb, const ManagedProcess& process,
                                                      Clock::time_point now) const;
  // What supervisor.idle_cores is in force: "halt", "poll", or "halt (poll refused: why)".
  std::string idleCoresText() const;
  std::string reload();
};

}  // namespace rrr::supervisor
