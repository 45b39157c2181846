#include "common/process/process_runtime.h"

#include <algorithm>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/messages/envelope.h"
#include "common/os/scheduling.h"
#include "common/ring/before_blocking.h"

namespace rrr::process {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void onStopSignal(int) { g_stop.store(true); }

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace

ProcessRuntime::ProcessRuntime(ProcessContext context) : context_(std::move(context)) {
  auto tap = bus::TapPublisher::bind(zmq_, context_.tapEndpoint());
  if (tap.ok()) {
    tap_.emplace(std::move(tap).value());
  } else {
    spdlog::warn("tap unavailable: {}", tap.error().message);
    // The tap is lossy and optional: a PUB socket with no peer accepts and drops every message,
    // so the process runs on without a tap rather than failing to start.
    tap_.emplace(bus::TapPublisher::connect(zmq_, "inproc://no-tap").value());
  }
  zmq::socket_t heartbeat(zmq_, zmq::socket_type::push);
  heartbeat.set(zmq::sockopt::sndhwm, 16);
  heartbeat.set(zmq::sockopt::linger, 0);
  heartbeat.connect(context_.heartbeatEndpoint());
  heartbeat_.emplace(std::move(heartbeat));
}

bool ProcessRuntime::caughtUp(const Agent& agent) {
  const auto lags = agent.ringLags();
  return std::all_of(lags.begin(), lags.end(), [](const RingLagReport& lag) { return lag.lag == 0; });
}

bool ProcessRuntime::stopRequested() { return g_stop.load(std::memory_order_relaxed); }

void ProcessRuntime::sendHeartbeat(Agent& agent) {
  messages::EnvelopeBuilder builder(256);
  auto& fbb = builder.fbb();
  std::vector<flatbuffers::Offset<msg::RingLag>> lags;
  behind_at_heartbeat_ = false;
  for (const auto& lag : agent.ringLags()) {
    lags.push_back(msg::CreateRingLag(fbb, fbb.CreateString(lag.ring), lag.lag, lag.gaps, lag.read_cursor));
    behind_at_heartbeat_ = behind_at_heartbeat_ || lag.lag > 0;
  }
  const bool degraded = agent.degraded();
  const auto detail = degraded ? fbb.CreateString(agent.degradedReason().substr(0, messages::kMaxTextLength)) : 0;
  const auto heartbeat = msg::CreateHeartbeat(fbb, static_cast<std::int32_t>(getpid()),
                                              degraded ? msg::ProcessState::Degraded : msg::ProcessState::Ready,
                                              loop_iterations_, fbb.CreateVector(lags), agent.eventLagNs(), detail);
  const auto bytes = builder.finish(
      messages::EnvelopeHeader{context_.name, heartbeat_sequence_++, messages::wallClockNs(), 0}, heartbeat);
  heartbeat_->send(zmq::buffer(bytes.data(), bytes.size()), zmq::send_flags::dontwait);
  tap_->publish("Heartbeat", bytes);
}

int ProcessRuntime::run(Agent& agent) {
  using Clock = std::chrono::steady_clock;
  sendHeartbeat(agent);
  spdlog::info("{} ready (pid {})", context_.name, getpid());
  auto next_heartbeat = Clock::now() + context_.heartbeat_interval;
  bool early_heartbeat_allowed = true;
  // What the burst did not wait for is done when the loop is about to sleep (never while it
  // polls): the tap's copies (also with the heartbeat) and the pages of the next burst's slots.
  // Under SCHED_FIFO the thread yields before each copy: a polling stage queued on this core (the
  // next stage of the path, waiting for its input) gets a look first, instead of waiting out the
  // ZeroMQ sends (~5-10 us each) and the futex wait's entry.
  const bool realtime = os::underFifoPolicy();
  ring::setBeforeBlocking([this, &agent, realtime] {
    if (realtime) {
      tap_->flush([] { sched_yield(); });
    } else {
      tap_->flush();
    }
    agent.prepareForBurst();
  });
  while (!stopRequested()) {
    ++loop_iterations_;
    const int work = agent.doWork();
    const auto now = Clock::now();
    if (now >= next_heartbeat) {
      sendHeartbeat(agent);
      next_heartbeat = now + context_.heartbeat_interval;
      early_heartbeat_allowed = true;
    }
    if (work == 0) {
      // Behind at the last heartbeat and caught up now (after a restart, say): report it at once
      // rather than a heartbeat interval later. At most once per heartbeat interval.
      if (behind_at_heartbeat_ && early_heartbeat_allowed && caughtUp(agent)) {
        sendHeartbeat(agent);
        early_heartbeat_allowed = false;
      }
      agent.idle(std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat - now) +
                 std::chrono::milliseconds(1));
    }
  }
  spdlog::info("{} stopping on signal", context_.name);
  agent.onStop();
  tap_->flush();
  ring::setBeforeBlocking({});
  return 0;
}

int runProcessMain(const AgentFactory& factory) {
  installStopHandlers();
  auto logger = spdlog::stdout_logger_mt("rrr");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e [%l] %v");
  spdlog::flush_every(std::chrono::seconds(1));
  auto context = ProcessContext::fromEnvironment();
  if (!context.ok()) {
    spdlog::error("{}", context.error().message);
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e [" + context->name + "] [%l] %v");
  ProcessRuntime runtime(std::move(context).value());
  auto agent = factory(runtime);
  if (!agent) return 1;
  const int code = runtime.run(*agent);
  spdlog::shutdown();
  return code;
}

}  // namespace rrr::process
