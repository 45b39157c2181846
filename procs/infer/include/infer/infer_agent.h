#pragma once
// rrr-infer (walking skeleton): one Prediction per Bar, from md to pred. The skeleton's "model"
// scores the bar's own body, tanh(100 * (close - open) / open), so it is stateless and a restart
// changes nothing. The LibTorch models replace it later.

#include <memory>

#include "common/process/transform_agent.h"

namespace rrr::infer {

class InferAgent : public process::TransformAgent {
 public:
  static std::unique_ptr<InferAgent> create(process::ProcessRuntime& runtime);

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  using TransformAgent::TransformAgent;
};

}  // namespace rrr::infer
