#pragma once
// rrr-monitor (walking skeleton): a lossy reader of every ring that counts messages, bad buffers
// and gaps and logs a summary every settings.summary_s seconds. The dashboard, JSON API, metrics
// and alert rules come later.

#include <memory>
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
  MonitorAgent(std::vector<Watched> rings, std::chrono::seconds summary_every);
  void logSummary();

  std::vector<Watched> rings_;
  std::chrono::seconds summary_every_;
  std::chrono::steady_clock::time_point next_summary_;
};

}  // namespace rrr::monitor
