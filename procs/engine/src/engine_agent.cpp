#include "engine/engine_agent.h"

#include "common/fixed_point.h"
#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"

namespace rrr::engine {

std::unique_ptr<EngineAgent> EngineAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  const double threshold = settings->get<double>("threshold", 0.5);
  const double quantity = settings->get<double>("quantity", 0.01);
  if (settings->error() || !(quantity > 0)) {
    spdlog::error("bad settings: {}", settings->error().value_or("quantity must be positive"));
    return nullptr;
  }
  auto predictions = process::attachInput(runtime, "pred");
  auto intents = process::openOutput(runtime, "intent");
  auto decisions = process::attachInput(runtime, "decision");
  if (!predictions || !intents || !decisions) return nullptr;
  return std::unique_ptr<EngineAgent>(
      new EngineAgent(std::move(*predictions), std::move(*intents), std::move(*decisions), threshold, toFixed(quantity)));
}

EngineAgent::EngineAgent(process::InputStream predictions, process::OutputStream intents, process::InputStream decisions,
                         double threshold, std::int64_t quantity_e8)
    : TransformAgent(std::move(predictions), std::move(intents)),
      decisions_(std::move(decisions)),
      threshold_(threshold),
      quantity_e8_(quantity_e8) {}

process::TransformAgent::Outcome EngineAgent::handle(const msg::Envelope& input, std::uint64_t sequence,
                                                     process::OutputStream& output) {
  const auto* prediction = input.body_as_Prediction();
  if (prediction == nullptr || std::abs(prediction->score()) < threshold_) return Outcome::kDone;
  const auto symbol = prediction->symbol()->str();
  auto& fbb = output.startMessage();
  const auto intent = msg::CreateOrderIntent(
      fbb, fbb.CreateString("skeleton-" + symbol + "-" + std::to_string(sequence)), fbb.CreateString("skeleton"),
      fbb.CreateString(symbol), msg::IntentAction::New, prediction->score() > 0 ? msg::Side::Buy : msg::Side::Sell,
      msg::OrderType::Market, msg::TimeInForce::IOC, quantity_e8_, 0, 0, input.event_time_ns());
  const auto outcome = process::outcomeOf(output.publish(intent, input.event_time_ns(), sequence));
  if (outcome == Outcome::kDone) ++intents_sent_;
  return outcome;
}

bool EngineAgent::onDecision(const msg::Envelope& envelope) {
  if (const auto* decision = envelope.body_as_RiskDecision()) {
    ++(decision->approved() ? approved_ : rejected_);
    if (!decision->approved()) {
      spdlog::info("intent {} rejected: {}", decision->client_order_id()->str(), decision->detail() ? decision->detail()->str() : "");
    }
  }
  return true;
}

int EngineAgent::doWork() {
  const int decided = decisions_.poll([this](const msg::Envelope& envelope, std::uint64_t) { return onDecision(envelope); });
  return decided + TransformAgent::doWork();
}

// Predictions drive the engine; decisions only follow its own intents, so while some are
// outstanding it waits on the decision ring instead.
void EngineAgent::idle(std::chrono::milliseconds max_wait) {
  if (intents_sent_ > approved_ + rejected_) {
    decisions_.waitForMessage(std::min(max_wait, std::chrono::milliseconds(5)));
  } else {
    TransformAgent::idle(max_wait);
  }
}

std::vector<process::RingLagReport> EngineAgent::ringLags() const {
  auto lags = TransformAgent::ringLags();
  lags.push_back(decisions_.lag());
  return lags;
}

}  // namespace rrr::engine
