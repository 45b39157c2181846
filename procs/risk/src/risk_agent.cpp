#include "risk/risk_agent.h"

#include "common/fixed_point.h"
#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"

namespace rrr::risk {

std::unique_ptr<RiskAgent> RiskAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  const double max_quantity = settings->get<double>("max_quantity", 1.0);
  if (settings->error() || !(max_quantity > 0)) {
    spdlog::error("bad settings: {}", settings->error().value_or("max_quantity must be positive"));
    return nullptr;
  }
  auto intent = process::attachInput(runtime, "intent");
  auto decision = process::openOutput(runtime, "decision");
  if (!intent || !decision) return nullptr;
  return std::unique_ptr<RiskAgent>(new RiskAgent(std::move(*intent), std::move(*decision), toFixed(max_quantity)));
}

process::TransformAgent::Outcome RiskAgent::handle(const msg::Envelope& input, std::uint64_t sequence,
                                                   process::OutputStream& output) {
  const auto* intent = input.body_as_OrderIntent();
  if (intent == nullptr) return Outcome::kDone;
  const bool approved = intent->quantity_e8() <= max_quantity_e8_;
  auto& fbb = output.startMessage();
  const auto detail = approved ? fbb.CreateString("")
                               : fbb.CreateString("quantity " + formatFixed(intent->quantity_e8()) + " above max_quantity " +
                                                  formatFixed(max_quantity_e8_));
  const auto decision = msg::CreateRiskDecision(fbb, fbb.CreateString(intent->client_order_id()->string_view()), approved,
                                                approved ? msg::RiskRule::None : msg::RiskRule::MaxPosition,
                                                fromFixed(max_quantity_e8_), fromFixed(intent->quantity_e8()), detail);
  return process::outcomeOf(output.publish(decision, input.event_time_ns(), sequence));
}

}  // namespace rrr::risk
