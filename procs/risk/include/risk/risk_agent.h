#pragma once
// rrr-risk (walking skeleton): one RiskDecision per OrderIntent, from intent to decision. The
// skeleton has one rule, a maximum order quantity (settings.max_quantity); the full set of limits,
// the kill switch and the drawdown halt come later.

#include <memory>

#include "common/process/transform_agent.h"

namespace rrr::risk {

class RiskAgent : public process::TransformAgent {
 public:
  static std::unique_ptr<RiskAgent> create(process::ProcessRuntime& runtime);

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  RiskAgent(process::InputStream input, process::OutputStream output, std::int64_t max_quantity_e8)
      : TransformAgent(std::move(input), std::move(output)), max_quantity_e8_(max_quantity_e8) {}
  std::int64_t max_quantity_e8_;
};

}  // namespace rrr::risk
