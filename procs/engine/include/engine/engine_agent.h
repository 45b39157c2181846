#pragma once
// rrr-engine (walking skeleton): turns strong Predictions (|score| >= settings.threshold) into
// market OrderIntents on the intent ring, and reads rrr-risk's decisions back. Execution,
// strategies and the portfolio come later.
//
// client_order_id = "<strategy>-<symbol>-<prediction sequence>": deterministic, so a restart
// reproduces the same ids.

#include <memory>

#include "common/process/transform_agent.h"

namespace rrr::engine {

class EngineAgent : public process::TransformAgent {
 public:
  static std::unique_ptr<EngineAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  std::vector<process::RingLagReport> ringLags() const override;

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  EngineAgent(process::InputStream predictions, process::OutputStream intents, process::InputStream decisions,
              double threshold, std::int64_t quantity_e8);
  bool onDecision(const msg::Envelope& envelope);

  process::InputStream decisions_;
  double threshold_;
  std::int64_t quantity_e8_;
  std::uint64_t intents_sent_ = 0;
  std::uint64_t approved_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace rrr::engine
