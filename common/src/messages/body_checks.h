#pragma once
// Range checks of each message type, one function per table. Called by decode() after the
// FlatBuffers Verifier has proven the buffer safe to read.

#include "messages/field_checker.h"

namespace rrr::messages::detail {

CheckStatus checkEnvelope(const msg::Envelope& envelope);

CheckStatus checkBar(const msg::Bar& bar);
CheckStatus checkTrade(const msg::Trade& trade);
CheckStatus checkPrediction(const msg::Prediction& prediction);
CheckStatus checkModelRecord(const msg::ModelRecord& record);
CheckStatus checkActiveModel(const msg::ActiveModel& active);

CheckStatus checkOrderIntent(const msg::OrderIntent& intent);
CheckStatus checkOrder(const msg::Order& order);
CheckStatus checkOrderUpdate(const msg::OrderUpdate& update);
CheckStatus checkFill(const msg::Fill& fill);
CheckStatus checkPosition(const msg::Position& position);
CheckStatus checkPortfolioSnapshot(const msg::PortfolioSnapshot& snapshot);

CheckStatus checkRiskDecision(const msg::RiskDecision& decision);
CheckStatus checkRiskEvent(const msg::RiskEvent& event);

CheckStatus checkHeartbeat(const msg::Heartbeat& heartbeat);
CheckStatus checkProcessStatus(const msg::ProcessStatus& status);
CheckStatus checkAlert(const msg::Alert& alert);
CheckStatus checkControlRequest(const msg::ControlRequest& request);
CheckStatus checkControlReply(const msg::ControlReply& reply);
CheckStatus checkRiskLimitSet(const msg::RiskLimitSet& limits);

}  // namespace rrr::messages::detail
