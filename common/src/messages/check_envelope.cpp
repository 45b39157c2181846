#include "messages/body_checks.h"

namespace rrr::messages::detail {
namespace {

// One entry per union member; the generated Envelope::body_as_X() accessors keep it type-safe.
CheckStatus checkBody(const msg::Envelope& envelope) {
  using msg::Body;
  switch (envelope.body_type()) {
    case Body::Bar: return checkBar(*envelope.body_as_Bar());
    case Body::Trade: return checkTrade(*envelope.body_as_Trade());
    case Body::Prediction: return checkPrediction(*envelope.body_as_Prediction());
    case Body::OrderIntent: return checkOrderIntent(*envelope.body_as_OrderIntent());
    case Body::RiskDecision: return checkRiskDecision(*envelope.body_as_RiskDecision());
    case Body::Order: return checkOrder(*envelope.body_as_Order());
    case Body::OrderUpdate: return checkOrderUpdate(*envelope.body_as_OrderUpdate());
    case Body::Fill: return checkFill(*envelope.body_as_Fill());
    case Body::Position: return checkPosition(*envelope.body_as_Position());
    case Body::PortfolioSnapshot: return checkPortfolioSnapshot(*envelope.body_as_PortfolioSnapshot());
    case Body::RiskEvent: return checkRiskEvent(*envelope.body_as_RiskEvent());
    case Body::Heartbeat: return checkHeartbeat(*envelope.body_as_Heartbeat());
    case Body::ProcessStatus: return checkProcessStatus(*envelope.body_as_ProcessStatus());
    case Body::Alert: return checkAlert(*envelope.body_as_Alert());
    case Body::ControlRequest: return checkControlRequest(*envelope.body_as_ControlRequest());
    case Body::ControlReply: return checkControlReply(*envelope.body_as_ControlReply());
    case Body::RiskLimitSet: return checkRiskLimitSet(*envelope.body_as_RiskLimitSet());
    case Body::ModelRecord: return checkModelRecord(*envelope.body_as_ModelRecord());
    case Body::ActiveModel: return checkActiveModel(*envelope.body_as_ActiveModel());
    case Body::NONE: break;
  }
  return makeError(DecodeError::kUnknownType,
                   "Envelope.body_type = " + std::to_string(static_cast<int>(envelope.body_type())) +
                       " is not a message type this build knows");
}

}  // namespace

CheckStatus checkEnvelope(const msg::Envelope& envelope) {
  auto header = FieldChecker("Envelope")
                          .text("source", envelope.source(), 1, kMaxSourceLength)
                          .nonNegative("event_time_ns", envelope.event_time_ns())
                          .nonNegative("publish_time_ns", envelope.publish_time_ns())
                          .status();
  if (!header.ok()) return header;
  // The Verifier accepts a body type it does not know (it cannot verify it); we do not.
  if (envelope.body_type() == msg::Body::NONE || envelope.body_type() > msg::Body::MAX ||
      envelope.body() == nullptr) {
    return makeError(DecodeError::kUnknownType,
                     "Envelope.body_type = " + std::to_string(static_cast<int>(envelope.body_type())) +
                         " is not a message type this build knows");
  }
  return checkBody(envelope);
}

}  // namespace rrr::messages::detail
