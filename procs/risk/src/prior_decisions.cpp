#include "risk/prior_decisions.h"

#include <system_error>

namespace rrr::risk {
namespace {

msg::RiskRule ruleNamed(const std::string& name) {
  for (auto rule : msg::EnumValuesRiskRule()) {
    if (name == msg::EnumNameRiskRule(rule)) return rule;
  }
  return msg::RiskRule::None;
}

}  // namespace

Result<PriorDecisions, std::string> PriorDecisions::open(const std::filesystem::path& trading_db) {
  std::error_code error;
  if (!std::filesystem::exists(trading_db, error)) return PriorDecisions();
  auto db = store::Database::openReadOnly(trading_db);
  if (!db.ok()) return makeError(db.error().message);
  PriorDecisions prior(std::move(db).value());
  prior.path_ = trading_db;
  return prior;
}

Result<std::optional<PriorDecision>, std::string> PriorDecisions::find(const IntentView& intent) {
  if (!db_) return std::optional<PriorDecision>();
  auto found = lookUp(intent);
  if (!found.ok()) {
    db_.reset();
    return makeError(path_.string() + ": " + found.error().message);
  }
  if (*found) {
    ++found_;
  } else {
    db_.reset();
  }
  return found;
}

Result<std::optional<PriorDecision>, std::string> PriorDecisions::lookUp(const IntentView& intent) {
  auto decision = db_->cached(
      "SELECT d.rowid, d.approved, d.rule, d.limit_value, d.observed_value, d.detail FROM risk_decisions d "
      "JOIN order_intents i USING (client_order_id) WHERE d.client_order_id = ? AND i.symbol = ? AND i.action = ? AND i.side = ? "
      "AND i.order_type = ? AND i.quantity_e8 = ? AND i.limit_price_e8 = ? AND i.stop_price_e8 = ? AND i.decision_time_ns = ?");
  if (!decision.ok()) return makeError(decision.error().message);
  auto& query = *decision.value();
  query.bind(1, std::string_view(intent.client_order_id)).bind(2, std::string_view(intent.symbol))
      .bind(3, std::string_view(msg::EnumNameIntentAction(intent.action))).bind(4, std::string_view(msg::EnumNameSide(intent.side)))
      .bind(5, std::string_view(msg::EnumNameOrderType(intent.type))).bind(6, intent.quantity_e8).bind(7, intent.limit_price_e8)
      .bind(8, intent.stop_price_e8).bind(9, intent.time_ns);
  auto row = query.step();
  if (!row.ok()) return makeError(row.error().message);
  if (!row.value()) return std::optional<PriorDecision>();
  PriorDecision prior;
  const std::int64_t rowid = query.columnInt(0);
  prior.verdict.approved = query.columnInt(1) != 0;
  prior.verdict.rule = ruleNamed(query.columnText(2));
  prior.verdict.limit = query.columnDouble(3);
  prior.verdict.observed = query.columnDouble(4);
  prior.verdict.detail = query.columnText(5);
  query.reset();
  if (found_ > 0) return std::optional<PriorDecision>(std::move(prior));
  // The first one found: the window as it stood then, from the approvals stored before it.
  auto approvals = db_->cached(
      "SELECT i.decision_time_ns FROM risk_decisions d JOIN order_intents i USING (client_order_id) WHERE d.rowid < ? "
      "AND d.approved = 1 AND i.action != 'Cancel' AND i.decision_time_ns > ? AND i.decision_time_ns <= ? ORDER BY d.rowid");
  if (!approvals.ok()) return makeError(approvals.error().message);
  auto& window = *approvals.value();
  window.bind(1, rowid).bind(2, intent.time_ns - kOrdersPerMinuteWindowNs).bind(3, intent.time_ns);
  for (;;) {
    auto next = window.step();
    if (!next.ok()) return makeError(next.error().message);
    if (!next.value()) break;
    prior.approvals_before.push_back(window.columnInt(0));
  }
  window.reset();
  return std::optional<PriorDecision>(std::move(prior));
}

}  // namespace rrr::risk
