#include <sched.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <spdlog/spdlog.h>

#include "ring_setup.h"
#include "risk/risk_switches.h"
#include "supervisor_state.h"

namespace rrr::supervisor {
namespace {

std::vector<std::byte> finishReply(messages::EnvelopeBuilder& builder, flatbuffers::Offset<msg::ControlReply> reply) {
  const auto bytes = builder.finish(messages::EnvelopeHeader{"supervisor", 0, messages::wallClockNs(), 0}, reply);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::byte> errorReply(const std::string& error) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  return finishReply(builder, msg::CreateControlReply(fbb, false, fbb.CreateString(error)));
}

std::vector<std::byte> textReply(const std::string& text) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  return finishReply(builder, msg::CreateControlReply(fbb, true, 0, 0, fbb.CreateString(text)));
}

std::string policyOf(pid_t pid) {
  const int policy = sched_getscheduler(pid);
  if (policy < 0) return "-";
  sched_param param{};
  const int priority = sched_getparam(pid, &param) == 0 ? param.sched_priority : 0;
  switch (policy & ~SCHED_RESET_ON_FORK) {
    case SCHED_FIFO: return "fifo " + std::to_string(priority);
    case SCHED_RR: return "rr " + std::to_string(priority);
    case SCHED_BATCH: return "batch";
    case SCHED_IDLE: return "idle";
    default: return "normal";
  }
}

// " cpus 0,2" when the process may run on fewer CPUs than are online, else nothing. The CPUs of
// all its threads together: a stage of the hot path keeps its main thread to some of them during
// a paced burst (os/burst_cpu.h), which is not where the process may run.
std::string affinityOf(pid_t pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::error_code error;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    pid_t tid = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), tid).ec != std::errc{}) continue;
    cpu_set_t thread_set;
    CPU_ZERO(&thread_set);
    if (sched_getaffinity(tid, sizeof(thread_set), &thread_set) == 0) CPU_OR(&set, &set, &thread_set);
  }
  if (CPU_COUNT(&set) == 0) return {};
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0 && CPU_COUNT(&set) >= online) return {};
  std::string listed;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) listed += (listed.empty() ? "" : ",") + std::to_string(cpu);
  }
  return " cpus " + listed;
}

// Whether realtime_priority and cpus took: the kernel may have refused them (see child_launch.h).
std::string schedulingOf(pid_t pid) {
  const auto policy = policyOf(pid);
  return policy == "-" ? policy : policy + affinityOf(pid);
}

}  // namespace

std::string Supervisor::State::idleCoresText() const {
  if (!idle_polling) return "halt";
  return idle_polling->held() ? "poll" : "halt (poll refused: " + idle_polling->error() + ")";
}

flatbuffers::Offset<msg::ProcessStatus> Supervisor::State::buildStatus(flatbuffers::FlatBufferBuilder& fbb,
                                                                       const ManagedProcess& process,
                                                                       Clock::time_point now) const {
  // A running process's lag is what its last heartbeat reported (unread then); without one, what
  // it has not committed. Read but not committed yet: its read position then past its commit now.
  std::vector<flatbuffers::Offset<msg::RingLag>> lags;
  for (const auto& segment : rings) {
    for (const auto& consumer : segment.info().consumers) {
      if (consumer.name != process.spec.name) continue;
      const auto ring = segment.name().substr(config.ringPrefix().size());
      std::uint64_t lag = consumer.lag, uncommitted = 0;
      if (const auto reported = process.ring_reads.find(ring);
          process.running() && process.ring_reads_pid == process.pid && reported != process.ring_reads.end()) {
        lag = reported->second.lag;
        uncommitted = reported->second.read_cursor > consumer.cursor ? reported->second.read_cursor - consumer.cursor : 0;
      }
      lags.push_back(msg::CreateRingLag(fbb, fbb.CreateString(ring), lag, consumer.gaps, 0, uncommitted));
    }
  }
  const bool running = process.running();
  const auto uptime = running ? std::chrono::duration_cast<std::chrono::milliseconds>(now - process.started_at).count() : 0;
  const auto heartbeat_age =
      process.phase == ProcessPhase::kReady || process.phase == ProcessPhase::kStopping
          ? std::chrono::duration_cast<std::chrono::milliseconds>(now - process.last_heartbeat).count()
          : -1;
  const auto state = process.phase == ProcessPhase::kReady && process.degraded ? msg::ProcessState::Degraded
                                                                              : toProcessState(process.phase);
  const std::string last = process.degraded ? "degraded: " + process.degraded_reason : process.last_exit;
  return msg::CreateProcessStatus(fbb, fbb.CreateString(process.spec.name), running ? process.pid : 0, state, uptime,
                                  process.restarts, fbb.CreateString(last.substr(0, messages::kMaxTextLength)),
                                  heartbeat_age, fbb.CreateVector(lags), running ? process.event_lag_ns : 0,
                                  fbb.CreateString(running ? schedulingOf(process.pid) : "-"));
}

std::vector<std::byte> Supervisor::State::handleRequest(std::span<const std::byte> bytes) {
  messages::InboundGate gate("control socket");
  const auto* envelope = gate.accept(bytes, 0);
  if (envelope == nullptr) return errorReply("malformed request: " + gate.lastRejection());
  const auto* request = envelope->body_as_ControlRequest();
  if (request == nullptr) return errorReply("expected a ControlRequest, got " + std::string(messages::typeName(envelope->body_type())));
  const std::string target = request->target() != nullptr ? request->target()->str() : "";
  const auto now = Clock::now();
  ManagedProcess* process = target.empty() ? nullptr : find(target);
  if (!target.empty() && process == nullptr) return errorReply("no process named '" + target + "'");

  switch (request->command()) {
    case msg::ControlCommand::Status: {
      messages::EnvelopeBuilder builder;
      auto& fbb = builder.fbb();
      std::vector<flatbuffers::Offset<msg::ProcessStatus>> statuses;
      for (const auto& each : processes) {
        if (process == nullptr || each.get() == process) statuses.push_back(buildStatus(fbb, *each, now));
      }
      const auto text = fbb.CreateString(config.run_dir.string());
      const auto idle_cores = fbb.CreateString(idleCoresText());
      return finishReply(builder, msg::CreateControlReply(fbb, true, 0, fbb.CreateVector(statuses), text, idle_cores));
    }
    case msg::ControlCommand::Restart:
      if (process == nullptr) return errorReply("restart needs a process name");
      process->wanted = true;
      if (process->running()) {
        process->restart_requested = true;
        beginStop(*process, now);
      } else {
        process->phase = ProcessPhase::kStopped;
      }
      return textReply("restarting " + target);
    case msg::ControlCommand::Stop:
    case msg::ControlCommand::Shutdown:
      if (process == nullptr) {
        shutting_down = true;
        return textReply("stopping every process, then the supervisor");
      }
      process->wanted = false;
      process->restart_requested = false;
      beginStop(*process, now);
      return textReply("stopping " + target);
    case msg::ControlCommand::Start:
      if (process == nullptr) return errorReply("start needs a process name");
      process->wanted = true;
      if (process->phase == ProcessPhase::kGivenUp) process->phase = ProcessPhase::kStopped;
      return textReply("starting " + target);
    case msg::ControlCommand::Reset:
      if (process == nullptr) return errorReply("reset needs a process name");
      process->intensity.reset();
      process->consecutive_failures = 0;
      process->wanted = true;
      if (process->phase == ProcessPhase::kGivenUp) process->phase = ProcessPhase::kStopped;
      return textReply("re-armed " + target);
    case msg::ControlCommand::KillSwitchOn:
    case msg::ControlCommand::KillSwitchOff: {
      const bool on = request->command() == msg::ControlCommand::KillSwitchOn;
      const risk::RiskSwitches switches(config.data_dir / "risk");
      if (auto status = switches.setKillSwitch(on, "set through the supervisor's control socket"); !status.ok()) {
        return errorReply(status.error().message);
      }
      spdlog::warn("kill switch {} (control socket)", on ? "on" : "off");
      return textReply(std::string("kill switch ") + (on ? "on" : "off") + "; rrr-risk applies it before its next decision");
    }
    case msg::ControlCommand::Rearm: {
      const risk::RiskSwitches switches(config.data_dir / "risk");
      if (!switches.halted()) return textReply("trading is not halted: nothing to re-arm");
      if (auto status = switches.rearm(); !status.ok()) return errorReply(status.error().message);
      spdlog::warn("trading halt re-armed (control socket)");
      return textReply("re-arm " + std::to_string(switches.read().rearms) + " written; rrr-risk lifts the halt when it next looks");
    }
    case msg::ControlCommand::Reload: {
      const auto outcome = reload();
      return outcome.rfind("error: ", 0) == 0 ? errorReply(outcome.substr(7)) : textReply(outcome);
    }
    default:
      return errorReply("the supervisor does not handle command " +
                        std::string(msg::EnumNameControlCommand(request->command())));
  }
}

// Re-reads the config and applies the difference: changed processes restart, new ones start,
// removed ones stop. Ring shapes cannot change under running processes.
std::string Supervisor::State::reload() {
  auto loaded = loadConfig(config.config_path, self_dir);
  if (!loaded.ok()) return "error: " + loaded.error().message;
  auto next = std::move(loaded).value();
  if (next.run_dir != config.run_dir || next.log_dir != config.log_dir || next.data_dir != config.data_dir) {
    return "error: paths changed; stop and start the supervisor to move them";
  }
  for (const auto& spec : next.rings) {
    for (const auto& segment : rings) {
      if (segment.name() == next.ringPrefix() + spec.name &&
          (segment.config().slot_bytes != spec.slot_bytes || segment.config().capacity != spec.capacity)) {
        return "error: ring " + spec.name + " changed shape; stop and start the supervisor to apply it";
      }
    }
  }
  auto prepared = prepareRings(next);
  if (!prepared.ok()) return "error: " + prepared.error().message;
  rings = std::move(prepared).value();  // the system ring's segment is reused, so its producer stays valid
  std::string changes;
  const auto now = Clock::now();
  for (auto& process : processes) {
    const auto* spec = next.process(process->spec.name);
    if (spec == nullptr) {
      process->wanted = false;
      beginStop(*process, now);
      changes += "stopping " + process->spec.name + " (removed)\n";
    } else if (!(*spec == process->spec)) {
      process->spec = *spec;
      process->wanted = true;
      if (process->running()) {
        process->restart_requested = true;
        beginStop(*process, now);
      }
      changes += "restarting " + process->spec.name + " (changed)\n";
    }
  }
  for (const auto& spec : next.processes) {
    if (find(spec.name) != nullptr) continue;
    processes.push_back(std::make_unique<ManagedProcess>(
        spec, RotatingLog(next.log_dir / "system" / (spec.name + ".log"), next.log_max_bytes, next.log_files)));
    changes += "starting " + spec.name + " (new)\n";
  }
  config = std::move(next);
  spdlog::info("reloaded {}: {}", config.config_path.string(), changes.empty() ? "no changes" : changes);
  raiseAlert(msg::Severity::Info, "config-reload", config.config_path.filename().string(),
             "reloaded " + config.config_path.string() + ": " + (changes.empty() ? "no changes" : changes));
  return changes.empty() ? "no changes" : changes;
}

}  // namespace rrr::supervisor
