#include "supervisor/supervisor.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <spdlog/spdlog.h>

#include "common/bus/endpoints.h"
#include "config_checks.h"
#include "ring_setup.h"
#include "supervisor_state.h"

namespace rrr::supervisor {
namespace {

// Exits and signals (signalfd), heartbeats, output and requests wake the loop at once; otherwise
// it sleeps until the earliest timer of State::tick is due (a restart after backoff, a readiness
// or watchdog deadline, a stop's escalation), so an idle system costs the supervisor only the
// heartbeats. At most this long, as a bound should a timer be added without a deadline here.
constexpr auto kMaxPollWait = std::chrono::seconds(1);

std::optional<Clock::time_point> nextDeadline(const ManagedProcess& process, Clock::duration watchdog_timeout) {
  switch (process.phase) {
    case ProcessPhase::kBackingOff: return process.restart_at;
    case ProcessPhase::kStarting: return process.started_at + process.spec.ready_timeout;
    case ProcessPhase::kReady: return process.last_heartbeat + watchdog_timeout;
    case ProcessPhase::kStopping: return process.stop_deadline;
    case ProcessPhase::kStopped:
    case ProcessPhase::kGivenUp: return std::nullopt;
  }
  return std::nullopt;
}

std::chrono::milliseconds pollWait(const Supervisor::State& state, Clock::time_point now) {
  // While stopping: the readers' progress on the rings is looked at every few milliseconds.
  std::chrono::milliseconds wait = state.shutting_down ? std::chrono::milliseconds(5) : kMaxPollWait;
  for (const auto& process : state.processes) {
    if (const auto due = nextDeadline(*process, state.config.watchdog_timeout)) {
      // +1 ms: tick() compares with > and >=, and poll's millisecond rounds down.
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*due - now) + std::chrono::milliseconds(1);
      wait = std::clamp(left, std::chrono::milliseconds(0), wait);
    }
  }
  return wait;
}

std::string endpointIn(const std::filesystem::path& run_dir, const std::string& name) {
  auto endpoint = bus::ipcEndpoint(run_dir, name);
  return endpoint.ok() ? endpoint.value() : std::string();
}

// SIGCHLD, SIGTERM and SIGINT arrive through a file descriptor in the poll loop.
int makeSignalFd() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGCHLD);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  return signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
}

Status<SupervisorError> bindSockets(Supervisor::State& state) {
  const auto& run_dir = state.config.run_dir;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ignored)) {
    if (entry.path().extension() == ".sock") std::filesystem::remove(entry.path(), ignored);
  }
  auto control = bus::ControlServer::bind(state.zmq, endpointIn(run_dir, "control"));
  if (!control.ok()) return makeError(SupervisorError::kSetup, control.error().message);
  state.control.emplace(std::move(control).value());
  auto tap = bus::TapPublisher::bind(state.zmq, endpointIn(run_dir, "tap-supervisor"));
  if (!tap.ok()) return makeError(SupervisorError::kSetup, tap.error().message);
  state.tap.emplace(std::move(tap).value());
  zmq::socket_t heartbeats(state.zmq, zmq::socket_type::pull);
  heartbeats.set(zmq::sockopt::linger, 0);
  const auto heartbeat_endpoint = endpointIn(run_dir, "heartbeat");
  try {
    heartbeats.bind(heartbeat_endpoint);
  } catch (const zmq::error_t& e) {
    return makeError(SupervisorError::kSetup, "cannot bind " + heartbeat_endpoint + ": " + e.what());
  }
  std::filesystem::permissions(bus::ipcPath(heartbeat_endpoint), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ignored);
  state.heartbeats.emplace(std::move(heartbeats));
  return {};
}

}  // namespace

Result<std::unique_ptr<Supervisor>, SupervisorError> Supervisor::create(SupervisorConfig config,
                                                                         std::filesystem::path self_dir) {
  auto lock = RunLock::acquire(config.run_dir);
  if (!lock.ok()) {
    const auto code = lock.error().code == RunLockError::kAlreadyRunning ? SupervisorError::kAlreadyRunning
                                                                          : SupervisorError::kSetup;
    return makeError(code, lock.error().message);
  }
  if (const int killed = lock->killStaleChildren(); killed > 0) {
    spdlog::warn("killed {} children left by a previous supervisor", killed);
  }
  auto state = std::make_unique<State>(std::move(config), std::move(self_dir), std::move(lock).value());
  auto rings = prepareRings(state->config);
  if (!rings.ok()) return makeError(SupervisorError::kSetup, rings.error().message);
  state->rings = std::move(rings).value();
  auto system_ring = ring::RingProducer::open(state->config.ringPrefix() + kSystemRing);
  if (!system_ring.ok()) return makeError(SupervisorError::kSetup, system_ring.error().message);
  state->system_ring.emplace(std::move(system_ring).value());
  RRR_RETURN_IF_ERROR(bindSockets(*state));
  for (const auto& spec : state->config.processes) {
    RotatingLog log(state->config.log_dir / "system" / (spec.name + ".log"), state->config.log_max_bytes,
                    state->config.log_files);
    state->processes.push_back(std::make_unique<ManagedProcess>(spec, std::move(log)));
  }
  state->signal_fd = makeSignalFd();
  return std::unique_ptr<Supervisor>(new Supervisor(std::move(state)));
}

Supervisor::Supervisor(std::unique_ptr<State> state) : state_(std::move(state)) {}

Supervisor::~Supervisor() {
  if (state_ && state_->signal_fd >= 0) close(state_->signal_fd);
}

int Supervisor::run(const std::function<void(const std::string&)>& on_ready,
                    const std::function<void(const std::string&)>& on_failure) {
  auto& state = *state_;
  state.on_ready = on_ready;
  state.on_failure = on_failure;
  spdlog::info("supervisor {} started with {} processes, {} rings, run directory {}", getpid(), state.processes.size(),
               state.rings.size(), state.config.run_dir.string());
  if (state.config.poll_idle_cores) {
    state.idle_polling.emplace();
    if (state.idle_polling->held()) {
      spdlog::info("supervisor.idle_cores: poll: a CPU latency request of 0 us is held while the supervisor runs");
    } else {
      spdlog::warn("supervisor.idle_cores: poll could not be applied ({}); idle cores halt as usual", state.idle_polling->error());
    }
  }
  for (const auto& warning : detail::starvationWarnings(state.config)) spdlog::warn("{}", warning);
  state.tick(Clock::now());   // launch what can start now; later ticks follow each wake-up
  for (;;) {
    std::vector<zmq::pollitem_t> items{{state.control->socket().handle(), 0, ZMQ_POLLIN, 0},
                                       {state.heartbeats->handle(), 0, ZMQ_POLLIN, 0},
                                       {nullptr, state.signal_fd, ZMQ_POLLIN, 0}};
    for (const auto& process : state.processes) {
      if (process->output_fd >= 0) items.push_back({nullptr, process->output_fd, ZMQ_POLLIN, 0});
    }
    zmq::poll(items.data(), items.size(), pollWait(state, Clock::now()));
    const auto now = Clock::now();
    if (items[2].revents & ZMQ_POLLIN) {
      signalfd_siginfo info{};
      while (read(state.signal_fd, &info, sizeof(info)) == sizeof(info)) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
          spdlog::info("supervisor received signal {}; stopping everything", info.ssi_signo);
          state.shutting_down = true;
        }
      }
    }
    state.reapChildren(now);
    zmq::message_t frame;
    while (state.heartbeats->recv(frame, zmq::recv_flags::dontwait)) {
      const auto* envelope = state.heartbeat_gate.accept({static_cast<const std::byte*>(frame.data()), frame.size()}, 0);
      if (envelope != nullptr) state.onHeartbeat(*envelope, now);
    }
    while (state.control->serveOne(std::chrono::milliseconds(0),
                                   [&](std::span<const std::byte> request) { return state.handleRequest(request); })) {
    }
    for (auto& process : state.processes) state.drainOutput(*process);
    state.tick(Clock::now());
    const bool any_running = std::any_of(state.processes.begin(), state.processes.end(),
                                         [](const auto& process) { return process->running(); });
    if (state.shutting_down && !any_running) break;
  }
  // Answer a last `stop` that arrived while the final processes were exiting.
  state.control->serveOne(std::chrono::milliseconds(0), [&](std::span<const std::byte> request) { return state.handleRequest(request); });
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(state.config.run_dir, ignored)) {
    if (entry.path().extension() == ".sock") std::filesystem::remove(entry.path(), ignored);
  }
  std::filesystem::remove(state.config.run_dir / "children", ignored);
  spdlog::info("supervisor stopped");
  return 0;
}

}  // namespace rrr::supervisor
