#include "messages/body_checks.h"

namespace rrr::messages::detail {
namespace {

FieldChecker& checkRingLags(FieldChecker& checker,
                            const flatbuffers::Vector<flatbuffers::Offset<msg::RingLag>>* lags) {
  if (lags == nullptr) return checker;
  for (const auto* lag : *lags) checker.text("ring_lags[].ring", lag->ring(), 1, kMaxIdLength);
  return checker;
}

}  // namespace

CheckStatus checkRiskDecision(const msg::RiskDecision& decision) {
  return FieldChecker("RiskDecision")
      .id("client_order_id", decision.client_order_id())
      .enumeration("rule", decision.rule())
      .require(decision.approved() == (decision.rule() == msg::RiskRule::None),
               "an approved decision has rule None and a rejected one names its rule")
      .finite("limit_value", decision.limit_value())
      .finite("observed_value", decision.observed_value())
      .optionalText("detail", decision.detail())
      .status();
}

CheckStatus checkRiskEvent(const msg::RiskEvent& event) {
  return FieldChecker("RiskEvent")
      .enumeration("rule", event.rule())
      .enumeration("severity", event.severity())
      .text("symbol", event.symbol(), 0, kMaxSymbolLength)
      .text("client_order_id", event.client_order_id(), 0, kMaxIdLength)
      .finite("limit_value", event.limit_value())
      .finite("observed_value", event.observed_value())
      .optionalText("detail", event.detail())
      .status();
}

CheckStatus checkRiskLimitSet(const msg::RiskLimitSet& limits) {
  FieldChecker checker("RiskLimitSet");
  if (const auto* values = limits.limits()) {
    for (const auto* limit : *values) checker.text("limits[].name", limit->name(), 1, kMaxIdLength).finite("limits[].value", limit->value());
  }
  return checker.status();
}

CheckStatus checkHeartbeat(const msg::Heartbeat& heartbeat) {
  FieldChecker checker("Heartbeat");
  checker.positive("pid", heartbeat.pid()).enumeration("state", heartbeat.state()).optionalText("detail", heartbeat.detail());
  return checkRingLags(checker, heartbeat.ring_lags()).status();
}

CheckStatus checkProcessStatus(const msg::ProcessStatus& status) {
  FieldChecker checker("ProcessStatus");
  checker.id("name", status.name())
      .nonNegative("pid", status.pid())
      .enumeration("state", status.state())
      .optionalText("last_exit", status.last_exit());
  return checkRingLags(checker, status.ring_lags()).status();
}

CheckStatus checkAlert(const msg::Alert& alert) {
  return FieldChecker("Alert")
      .enumeration("severity", alert.severity())
      .id("rule", alert.rule())
      .text("message", alert.message(), 1, kMaxTextLength)
      .text("subject", alert.subject(), 0, kMaxIdLength)
      .status();
}

CheckStatus checkControlRequest(const msg::ControlRequest& request) {
  FieldChecker checker("ControlRequest");
  checker.enumeration("command", request.command()).text("target", request.target(), 0, kMaxIdLength);
  if (const auto* arguments = request.arguments()) {
    for (const auto* argument : *arguments) checker.optionalText("arguments[]", argument);
  }
  return checker.status();
}

CheckStatus checkControlReply(const msg::ControlReply& reply) {
  FieldChecker checker("ControlReply");
  checker.optionalText("error", reply.error()).require(reply.ok() || (reply.error() && reply.error()->size() > 0),
                                                       "a failed reply says why in error");
  if (const auto* processes = reply.processes()) {
    for (const auto* process : *processes) checker.nested(checkProcessStatus(*process));
  }
  return checker.status();
}

}  // namespace rrr::messages::detail
