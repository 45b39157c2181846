#include "infer/infer_agent.h"

#include <cmath>

#include "common/process/agent_factory.h"

namespace rrr::infer {

std::unique_ptr<InferAgent> InferAgent::create(process::ProcessRuntime& runtime) {
  auto md = process::attachInput(runtime, "md");
  auto pred = process::openOutput(runtime, "pred");
  if (!md || !pred) return nullptr;
  return std::unique_ptr<InferAgent>(new InferAgent(std::move(*md), std::move(*pred)));
}

process::TransformAgent::Outcome InferAgent::handle(const msg::Envelope& input, std::uint64_t sequence,
                                                    process::OutputStream& output) {
  const auto* bar = input.body_as_Bar();
  if (bar == nullptr) return Outcome::kDone;  // not for us
  output.producer().headsUp();                // a prediction follows: the engine may spin for it
  const double body = static_cast<double>(bar->close_e8() - bar->open_e8()) / static_cast<double>(bar->open_e8());
  const double score = std::tanh(100.0 * body);
  auto& fbb = output.startMessage();
  const auto prediction = msg::CreatePrediction(fbb, fbb.CreateString(bar->symbol()->string_view()),
                                                fbb.CreateString("bar-body-skeleton"), 0, bar->open_time_ns(), 1, score,
                                                0, std::fabs(score));
  return process::outcomeOf(output.publish(prediction, input.event_time_ns(), sequence));
}

void InferAgent::idle(std::chrono::milliseconds max_wait) {
  input().waitForMessage(max_wait, ring::IdlePolicy::headsUp(std::chrono::microseconds(500)));
}

}  // namespace rrr::infer
