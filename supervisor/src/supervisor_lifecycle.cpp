#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstring>

#include "child_launch.h"
#include "ring_setup.h"
#include "supervisor_state.h"

namespace rrr::supervisor {
namespace {

// How long an orderly stop waits, once the sources have stopped, for their messages to be
// committed by every reader (rrr-engine commits at its checkpoints, every checkpoint_every_ms).
constexpr std::chrono::milliseconds kDrainTimeout{5000};

std::string describeExit(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int signo = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(signo);
    return "signal " + std::to_string(signo) + (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  return "status " + std::to_string(wait_status);
}

long long millisecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

}  // namespace

ManagedProcess* Supervisor::State::find(const std::string& name) {
  for (auto& process : processes) {
    if (process->spec.name == name) return process.get();
  }
  return nullptr;
}

ManagedProcess* Supervisor::State::findByPid(pid_t pid) {
  for (auto& process : processes) {
    if (process->pid == pid && process->running()) return process.get();
  }
  return nullptr;
}

std::map<std::string, std::string> Supervisor::State::childEnvironment(const ManagedProcess& process) const {
  auto env = process.spec.env;
  env["RRR_PROCESS"] = process.spec.name;
  env["RRR_RUN_DIR"] = config.run_dir.string();
  env["RRR_DATA_DIR"] = config.data_dir.string();
  env["RRR_BACKUP_DIR"] = config.backup_dir.string();
  env["RRR_RING_PREFIX"] = config.ringPrefix();
  env["RRR_HEARTBEAT_MS"] = std::to_string(config.heartbeat_interval.count());
  env["RRR_CONFIG"] = config.config_path.string();
  return env;
}

void Supervisor::State::recordChildren() {
  std::vector<RunLock::Child> children;
  for (const auto& process : processes) {
    if (process->running()) children.push_back({process->spec.name, process->pid});
  }
  lock.recordChildren(children);
}

bool Supervisor::State::dependenciesReady(const ManagedProcess& process) const {
  for (const auto& dependency : process.spec.depends_on) {
    for (const auto& other : processes) {
      if (other->spec.name == dependency && other->phase != ProcessPhase::kReady) return false;
    }
  }
  return true;
}

bool Supervisor::State::dependentsStopped(const ManagedProcess& process) const {
  for (const auto& other : processes) {
    const auto& needs = other->spec.depends_on;
    if (other->running() && std::find(needs.begin(), needs.end(), process.spec.name) != needs.end()) return false;
  }
  return true;
}

bool Supervisor::State::isSource(const ManagedProcess& process) const {
  const auto& name = process.spec.name;
  bool produces = false;
  for (const auto& ring : config.rings) {
    if (ring.producer == name) produces = true;
    if (std::find(ring.durable.begin(), ring.durable.end(), name) != ring.durable.end() ||
        std::find(ring.lossy.begin(), ring.lossy.end(), name) != ring.lossy.end()) {
      return false;
    }
  }
  return produces;
}

bool Supervisor::State::drained(Clock::time_point now) {
  if (!drain_deadline) drain_deadline = now + kDrainTimeout;
  if (*drain_deadline == Clock::time_point::min()) return true;   // given up on and reported
  std::string left;
  for (const auto& segment : rings) {
    if (segment.name() == config.ringPrefix() + kSystemRing) continue;
    for (const auto& consumer : segment.info().consumers) {
      if (consumer.kind != ring::ConsumerKind::kDurable || !consumer.alive || consumer.lag == 0) continue;
      left += (left.empty() ? "" : ", ") + std::to_string(consumer.lag) + " on " + segment.name() + " for " + consumer.name;
    }
  }
  if (left.empty()) return true;
  if (now < *drain_deadline) return false;
  spdlog::warn("stopping with messages not yet committed by their readers after {} ms: {} (they are read again at the next start)",
               kDrainTimeout.count(), left);
  drain_deadline = Clock::time_point::min();   // reported once: from now on, drained
  return true;
}

void Supervisor::State::launch(ManagedProcess& process, Clock::time_point now) {
  auto child = launchChild(process.spec.binary.string(), process.spec.args, childEnvironment(process), process.spec.realtime_priority,
                           process.spec.cpus);
  if (!child.ok()) {
    process.last_exit = child.error().message;
    process.phase = ProcessPhase::kBackingOff;
    process.restart_at = now + backoffDelay(process.spec, ++process.consecutive_failures, random);
    spdlog::error("cannot start {}: {}", process.spec.name, child.error().message);
    return;
  }
  process.pid = child->pid;
  process.output_fd = child->output_fd;
  process.phase = ProcessPhase::kStarting;
  process.started_at = now;
  process.degraded = false;
  process.kill_reason.reset();
  spdlog::info("started {} (pid {})", process.spec.name, process.pid);
  recordChildren();
  publishStatus(process, now);
}

// Once per process: SIGKILL cannot be caught, so the group is gone by the time it is reaped, and
// the timers that call this on every loop turn until then must not send (and log) it again.
void Supervisor::State::killGroup(ManagedProcess& process, const std::string& reason) {
  if (!process.running() || process.kill_reason) return;
  spdlog::warn("killing {} (pid {}): {}", process.spec.name, process.pid, reason);
  process.kill_reason = reason;
  kill(-process.pid, SIGKILL);
  kill(process.pid, SIGKILL);
}

void Supervisor::State::beginStop(ManagedProcess& process, Clock::time_point now) {
  if (process.phase == ProcessPhase::kStopping) return;
  if (!process.running()) {
    if (process.phase == ProcessPhase::kBackingOff) process.phase = ProcessPhase::kStopped;
    return;
  }
  spdlog::info("stopping {} (pid {})", process.spec.name, process.pid);
  process.phase = ProcessPhase::kStopping;
  process.stop_deadline = now + process.spec.stop_timeout;
  kill(-process.pid, SIGTERM);
}

void Supervisor::State::onHeartbeat(const msg::Envelope& envelope, Clock::time_point now) {
  const auto* heartbeat = envelope.body_as_Heartbeat();
  auto* process = find(envelope.source()->str());
  if (heartbeat == nullptr || process == nullptr || heartbeat->pid() != process->pid) return;  // late, from a dead pid
  process->last_heartbeat = now;
  process->event_lag_ns = heartbeat->ingest_lag_ns();
  process->ring_reads.clear();
  process->ring_reads_pid = process->pid;
  if (heartbeat->ring_lags() != nullptr) {
    for (const auto* lag : *heartbeat->ring_lags()) process->ring_reads[lag->ring()->str()] = {lag->lag(), lag->read_cursor()};
  }
  const bool degraded = heartbeat->state() == msg::ProcessState::Degraded;
  if (degraded != process->degraded) {
    process->degraded = degraded;
    process->degraded_reason = degraded && heartbeat->detail() != nullptr ? heartbeat->detail()->str() : "";
    spdlog::log(degraded ? spdlog::level::warn : spdlog::level::info, "{} {}{}", process->spec.name,
                degraded ? "degraded: " : "recovered", process->degraded_reason);
    publishStatus(*process, now);
  }
  if (process->phase == ProcessPhase::kStarting) {
    process->phase = ProcessPhase::kReady;
    spdlog::info("{} ready (pid {}) after {} ms", process->spec.name, process->pid,
                 millisecondsBetween(process->started_at, now));
    publishStatus(*process, now);
    checkAllReady();
  }
}

void Supervisor::State::checkAllReady() {
  if (all_ready_reported) return;
  std::string summary;
  for (const auto& process : processes) {
    if (process->phase != ProcessPhase::kReady) return;
    summary += "  " + process->spec.name + " (pid " + std::to_string(process->pid) + ")\n";
  }
  all_ready_reported = true;
  spdlog::info("all {} processes ready", processes.size());
  if (on_ready) on_ready(summary);
}

void Supervisor::State::reapChildren(Clock::time_point now) {
  int status = 0;
  pid_t pid = 0;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (auto* process = findByPid(pid)) onExit(*process, status, now);
  }
}

void Supervisor::State::drainOutput(ManagedProcess& process) {
  if (process.output_fd < 0) return;
  char buffer[16384];
  for (;;) {
    const ssize_t count = read(process.output_fd, buffer, sizeof(buffer));
    if (count > 0) {
      process.log.write({buffer, static_cast<std::size_t>(count)});
      continue;
    }
    if (count == 0) {  // every writer closed: the child (and its children) exited
      close(process.output_fd);
      process.output_fd = -1;
    }
    break;
  }
  process.log.flush();
}

void Supervisor::State::onExit(ManagedProcess& process, int wait_status, Clock::time_point now) {
  drainOutput(process);
  const bool clean = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  const bool was_stopping = process.phase == ProcessPhase::kStopping;
  process.last_exit = describeExit(wait_status) + (process.kill_reason ? " (" + *process.kill_reason + ")" : "");
  spdlog::log(clean || was_stopping ? spdlog::level::info : spdlog::level::warn, "{} (pid {}) ended: {}", process.spec.name,
              process.pid, process.last_exit);
  kill(-process.pid, SIGKILL);  // anything the process left in its group
  const bool ran_long = now - process.started_at > process.spec.restart_window;
  process.phase = ProcessPhase::kStopped;
  process.pid = 0;
  recordChildren();
  if (process.restart_requested) {
    process.restart_requested = false;
    ++process.restarts;
    launch(process, now);
    return;
  }
  if (was_stopping || !process.wanted || shutting_down) {
    publishStatus(process, now);
    return;
  }
  if (!shouldRestart(process.spec.restart, clean)) {
    process.wanted = false;
    publishStatus(process, now);
    return;
  }
  if (ran_long) process.consecutive_failures = 0;
  if (process.intensity.recordAndExceeds(now, process.spec.max_restarts, process.spec.restart_window)) {
    process.phase = ProcessPhase::kGivenUp;
    process.wanted = false;
    const std::string text = process.spec.name + " restarted more than " + std::to_string(process.spec.max_restarts) +
                             " times within " + std::to_string(process.spec.restart_window.count()) +
                             " s; given up (last: " + process.last_exit + "). `rrr-supervisor reset " + process.spec.name +
                             "` re-arms it.";
    raiseAlert(msg::Severity::Critical, "restart-intensity", process.spec.name, text);
    publishStatus(process, now);
    if (config.strategy == Strategy::kOneForAll) {
      raiseAlert(msg::Severity::Critical, "one-for-all", process.spec.name, "strategy one_for_all: stopping every process");
      shutting_down = true;
    }
    if (!all_ready_reported && on_failure) on_failure(text);
    return;
  }
  process.phase = ProcessPhase::kBackingOff;
  process.restart_at = now + backoffDelay(process.spec, ++process.consecutive_failures, random);
  publishStatus(process, now);
}

// Timers: start what is wanted and startable, watchdog and readiness deadlines, backoff expiry,
// stop escalation, and the orderly stop of everything (dependents first).
void Supervisor::State::tick(Clock::time_point now) {
  // Sources stop first, so that every message they published reaches every reader (the engine
  // among them) and is committed before those stop: a start with the rings made anew (after a
  // reboot) then resumes from the store's data with every process's state up to the same place.
  // Looked at once per tick (it reads every ring's consumers).
  const bool readers_may_stop = shutting_down && sourcesStopped() && drained(now);
  for (auto& owned : processes) {
    auto& process = *owned;
    switch (process.phase) {
      case ProcessPhase::kStopped:
        if (process.wanted && !shutting_down && dependenciesReady(process)) launch(process, now);
        break;
      case ProcessPhase::kBackingOff:
        if (shutting_down || !process.wanted) {
          process.phase = ProcessPhase::kStopped;
        } else if (now >= process.restart_at) {
          ++process.restarts;
          launch(process, now);
        }
        break;
      case ProcessPhase::kStarting:
        if (now - process.started_at > process.spec.ready_timeout) {
          killGroup(process, "not ready within " + std::to_string(process.spec.ready_timeout.count()) + " ms");
        }
        break;
      case ProcessPhase::kReady:
        if (now - process.last_heartbeat > config.watchdog_timeout) {
          killGroup(process, "watchdog: no heartbeat for " + std::to_string(millisecondsBetween(process.last_heartbeat, now)) + " ms");
        }
        break;
      case ProcessPhase::kStopping:
        if (now >= process.stop_deadline) killGroup(process, "did not stop within " + std::to_string(process.spec.stop_timeout.count()) + " ms");
        break;
      case ProcessPhase::kGivenUp:
        break;
    }
    if (shutting_down && process.running() && process.phase != ProcessPhase::kStopping &&
        (isSource(process) || (readers_may_stop && dependentsStopped(process)))) {
      beginStop(process, now);
    }
  }
}

bool Supervisor::State::sourcesStopped() const {
  return std::none_of(processes.begin(), processes.end(), [&](const auto& process) { return process->running() && isSource(*process); });
}

void Supervisor::State::raiseAlert(msg::Severity severity, const std::string& rule, const std::string& subject,
                                   const std::string& text) {
  const auto level = severity == msg::Severity::Critical ? spdlog::level::err
                     : severity == msg::Severity::Warning ? spdlog::level::warn
                                                          : spdlog::level::info;
  spdlog::log(level, "ALERT [{}] {}: {}", rule, subject, text);
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto alert = msg::CreateAlert(fbb, severity, fbb.CreateString(rule), fbb.CreateString(text.substr(0, messages::kMaxTextLength)),
                                      fbb.CreateString(subject));
  publishEvent("Alert", builder.finish(messages::EnvelopeHeader{"supervisor", tap_sequence++, messages::wallClockNs(), 0}, alert));
}

void Supervisor::State::publishEvent(std::string_view topic, std::span<const std::byte> envelope) {
  tap->publish(topic, envelope);
  if (!system_ring) return;
  if (const auto result = system_ring->offer(envelope); !result.ok()) {
    if (system_dropped++ % 100 == 0) {
      spdlog::error("system ring {} ({} events not recorded so far): is the store running?", ring::toString(result.status),
                    system_dropped);
    }
  }
}

void Supervisor::State::publishStatus(const ManagedProcess& process, Clock::time_point now) {
  messages::EnvelopeBuilder builder;
  const auto status = buildStatus(builder.fbb(), process, now);
  publishEvent("ProcessStatus",
               builder.finish(messages::EnvelopeHeader{"supervisor", tap_sequence++, messages::wallClockNs(), 0}, status));
}

}  // namespace rrr::supervisor
