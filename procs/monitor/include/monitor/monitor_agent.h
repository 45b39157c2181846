#pragma once
// rrr-monitor (walking skeleton): a lossy reader of every ring that counts messages, bad buffers
// and gaps and logs a summary every settings.summary_s seconds, and a subscriber of the
// tap of every process (the supervisor's included, rescanned for new ones) that logs every Alert. The dashboard, JSON API, metrics and alert rules come
// later.

#include <memory>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include "common/process/streams.h"

namespace rrr::monitor {

class MonitorAgent : public process::Agent {
 public:
  static std::unique_ptr<MonitorAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  std::vector<process::RingLagReport> ringLags() const override;

 private:
  struct Watched {
    process::InputStream input;
    std::uint64_t messages = 0;
  };
  MonitorAgent(std::vector<Watched> rings, std::optional<bus::TapSubscriber> alerts, std::chrono::seconds summary_every);
  void logSummary();
  int receiveAlerts();
  void subscribeToNewTaps();

  std::vector<Watched> rings_;
  std::optional<bus::TapSubscriber> alerts_;
  messages::InboundGate alert_gate_{"supervisor tap"};
  std::uint64_t alerts_seen_ = 0;
  std::filesystem::path run_dir_;
  std::set<std::string> subscribed_;
  std::chrono::steady_clock::time_point next_scan_{};
  std::chrono::seconds summary_every_;
  std::chrono::steady_clock::time_point next_summary_;
};

}  // namespace rrr::monitor
