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
  // Blocks on md, but spins after rrr-ingest's heads-up that a bar is due (the hot path).
  void idle(std::chrono::milliseconds max_wait) override;

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  using TransformAgent::TransformAgent;
};

}  // namespace rrr::infer
