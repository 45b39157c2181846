#include "monitor/monitor_agent.h"

#include <thread>

#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"

namespace rrr::monitor {

std::unique_ptr<MonitorAgent> MonitorAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  const int summary_s = settings.ok() ? settings->get<int>("summary_s", 10) : 10;
  std::vector<Watched> rings;
  for (const char* ring : {"md", "pred", "intent", "decision"}) {
    auto input = process::attachInput(runtime, ring, ring::ConsumerKind::kLossy);
    if (!input) return nullptr;
    rings.push_back(Watched{std::move(*input)});
  }
  std::optional<bus::TapSubscriber> alerts;
  if (auto subscriber = bus::TapSubscriber::connect(runtime.zmq(), {}, {"Alert"}); subscriber.ok()) {
    alerts.emplace(std::move(subscriber).value());
  } else {
    spdlog::warn("alerts unavailable: {}", subscriber.error().message);
  }
  auto agent = std::unique_ptr<MonitorAgent>(
      new MonitorAgent(std::move(rings), std::move(alerts), std::chrono::seconds(std::max(1, summary_s))));
  agent->run_dir_ = runtime.context().run_dir;
  agent->subscribeToNewTaps();
  return agent;
}

MonitorAgent::MonitorAgent(std::vector<Watched> rings, std::optional<bus::TapSubscriber> alerts,
                           std::chrono::seconds summary_every)
    : rings_(std::move(rings)),
      alerts_(std::move(alerts)),
      summary_every_(summary_every),
      next_summary_(std::chrono::steady_clock::now() + summary_every) {}

void MonitorAgent::subscribeToNewTaps() {
  next_scan_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  if (!alerts_) return;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir_, ignored)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("tap-", 0) != 0 || entry.path().extension() != ".sock") continue;
    const auto endpoint = "ipc://" + entry.path().string();
    if (subscribed_.insert(endpoint).second) (void)alerts_->addEndpoint(endpoint);
  }
}

int MonitorAgent::receiveAlerts() {
  int received = 0;
  while (alerts_) {
    const auto frame = alerts_->receive(std::chrono::milliseconds(0));
    if (!frame) break;
    const auto* envelope = alert_gate_.accept(frame->payload, alerts_seen_);
    if (frame->missed_before > 0) {
      // The alerts themselves are on the rings and in the alerts table; only this log misses them.
      spdlog::warn("{} alerts from {} missed on the tap before this one (dropped at a high-water mark); the alerts table has them",
                   frame->missed_before, envelope != nullptr ? envelope->source()->str() : "an unreadable publisher");
    }
    if (envelope == nullptr || envelope->body_as_Alert() == nullptr) continue;
    const auto* alert = envelope->body_as_Alert();
    spdlog::warn("alert {} [{}] {}: {}", msg::EnumNameSeverity(alert->severity()), alert->rule()->str(),
                 alert->subject() != nullptr ? alert->subject()->str() : "", alert->message()->str());
    ++alerts_seen_;
    ++received;
  }
  return received;
}

int MonitorAgent::doWork() {
  if (std::chrono::steady_clock::now() >= next_scan_) subscribeToNewTaps();
  int work = receiveAlerts();
  for (auto& watched : rings_) {
    const int read = watched.input.poll([](const msg::Envelope&, std::uint64_t) { return true; });
    watched.messages += static_cast<std::uint64_t>(read);
    work += read;
  }
  if (std::chrono::steady_clock::now() >= next_summary_) {
    logSummary();
    next_summary_ += summary_every_;
  }
  return work;
}

// Not latency-critical: look at the rings once per heartbeat interval.
void MonitorAgent::idle(std::chrono::milliseconds max_wait) { std::this_thread::sleep_for(max_wait); }

std::vector<process::RingLagReport> MonitorAgent::ringLags() const {
  std::vector<process::RingLagReport> lags;
  for (const auto& watched : rings_) lags.push_back(watched.input.lag());
  return lags;
}

void MonitorAgent::logSummary() {
  std::string text;
  for (const auto& watched : rings_) {
    const auto lag = watched.input.lag();
    text += " " + lag.ring + "=" + std::to_string(watched.messages) + " (gaps " + std::to_string(lag.gaps) + ", bad " +
            std::to_string(watched.input.gate().rejected()) + ")";
  }
  spdlog::info("messages seen:{}", text);
}

}  // namespace rrr::monitor
