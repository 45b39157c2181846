#include "store_statements.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace rrr::store {
namespace {

std::int64_t asInteger(std::uint64_t value) { return static_cast<std::int64_t>(value); }

std::string_view text(const flatbuffers::String* value) { return value != nullptr ? value->string_view() : std::string_view(); }

// How far along an order's life a status is: an order only ever moves forward.
std::string orderProgress(const std::string& table) {
  return "(" + table + ".updated_ns, CASE " + table + ".status WHEN 'New' THEN 0 WHEN 'Accepted' THEN 1 WHEN 'PartiallyFilled' THEN 2 " +
         "ELSE 3 END, " + table + ".filled_quantity_e8)";
}

Status<SqlError> insertPrediction(Database& db, const msg::Prediction& p, std::int64_t instance, std::uint64_t sequence) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO ml_predictions VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  std::string probabilities;
  if (p.class_probabilities() != nullptr) {
    for (const float value : *p.class_probabilities()) probabilities += (probabilities.empty() ? "" : ",") + std::to_string(value);
  }
  return insert->bind(1, text(p.symbol())).bind(2, text(p.model_id())).bind(3, static_cast<std::int64_t>(p.model_version()))
      .bind(4, p.bar_open_time_ns()).bind(5, static_cast<std::int64_t>(p.horizon_bars())).bind(6, p.score())
      .bind(7, p.confidence()).bind(8, std::string_view(probabilities)).bind(9, instance).bind(10, asInteger(sequence)).run();
}

Status<SqlError> insertIntent(Database& db, const msg::OrderIntent& i, std::int64_t instance, std::uint64_t sequence) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO order_intents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  return insert->bind(1, text(i.client_order_id())).bind(2, text(i.strategy_id())).bind(3, text(i.symbol()))
      .bind(4, std::string_view(msg::EnumNameIntentAction(i.action()))).bind(5, std::string_view(msg::EnumNameSide(i.side())))
      .bind(6, std::string_view(msg::EnumNameOrderType(i.order_type())))
      .bind(7, std::string_view(msg::EnumNameTimeInForce(i.time_in_force()))).bind(8, i.quantity_e8())
      .bind(9, i.limit_price_e8()).bind(10, i.stop_price_e8()).bind(11, i.decision_time_ns())
      .bind(12, text(i.target_client_order_id())).bind(13, instance).bind(14, asInteger(sequence)).run();
}

Status<SqlError> insertDecision(Database& db, const msg::RiskDecision& d, std::int64_t decided_ns, std::int64_t instance,
                                std::uint64_t sequence) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO risk_decisions VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  RRR_RETURN_IF_ERROR(insert->bind(1, text(d.client_order_id())).bind(2, static_cast<std::int64_t>(d.approved()))
      .bind(3, std::string_view(msg::EnumNameRiskRule(d.rule()))).bind(4, d.limit_value()).bind(5, d.observed_value())
      .bind(6, text(d.detail())).bind(7, decided_ns).bind(8, instance).bind(9, asInteger(sequence)).run());
  if (d.approved() || db.changes() == 0) return {};   // approved, or a replay already stored
  // Every rejection is also a risk event, written in the same transaction as the decision.
  RRR_ASSIGN_OR_RETURN(auto* event, db.cached("INSERT INTO risk_events VALUES (?,?,?,?,?,?,?,?,?,?)"));
  return event->bind(1, decided_ns).bind(2, std::string_view(msg::EnumNameRiskRule(d.rule())))
      .bind(3, std::string_view(msg::EnumNameSeverity(msg::Severity::Warning))).bind(4, std::string_view())
      .bind(5, text(d.client_order_id())).bind(6, d.limit_value()).bind(7, d.observed_value())
      .bind(8, static_cast<std::int64_t>(d.rule() == msg::RiskRule::KillSwitch))
      .bind(9, static_cast<std::int64_t>(d.rule() == msg::RiskRule::TradingHalted))
      .bind(10, text(d.detail())).run();
}

Status<SqlError> insertAlert(Database& db, const msg::Alert& a, std::int64_t time_ns) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO alerts VALUES (?,?,?,?,?)"));
  return insert->bind(1, time_ns).bind(2, std::string_view(msg::EnumNameSeverity(a.severity()))).bind(3, text(a.rule()))
      .bind(4, text(a.subject())).bind(5, text(a.message())).run();
}

Status<SqlError> insertRiskEvent(Database& db, const msg::RiskEvent& e, std::int64_t time_ns) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO risk_events VALUES (?,?,?,?,?,?,?,?,?,?)"));
  return insert->bind(1, time_ns).bind(2, std::string_view(msg::EnumNameRiskRule(e.rule())))
      .bind(3, std::string_view(msg::EnumNameSeverity(e.severity()))).bind(4, text(e.symbol())).bind(5, text(e.client_order_id()))
      .bind(6, e.limit_value()).bind(7, e.observed_value()).bind(8, static_cast<std::int64_t>(e.kill_switch_active()))
      .bind(9, static_cast<std::int64_t>(e.trading_halted())).bind(10, text(e.detail())).run();
}

Status<SqlError> insertProcessEvent(Database& db, const msg::ProcessStatus& p, std::int64_t time_ns) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO process_events VALUES (?,?,?,?)"));
  const std::string detail = "pid " + std::to_string(p.pid()) + ", restarts " + std::to_string(p.restarts()) +
                             (p.last_exit() != nullptr && p.last_exit()->size() > 0 ? ", last exit " + p.last_exit()->str() : "");
  return insert->bind(1, time_ns).bind(2, text(p.name())).bind(3, std::string_view(msg::EnumNameProcessState(p.state())))
      .bind(4, std::string_view(detail)).run();
}

Status<SqlError> upsertOrder(Database& db, const msg::Order& o) {
  // An order's row never goes back: the engine regenerating after a power cut sends its earlier
  // states again (docs/ARCHITECTURE.md, "Rings made anew"). Event time first; at one time (an
  // acceptance and a kill switch's cancel), the status further along and the larger fill.
  static const std::string sql =
      "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(client_order_id) DO UPDATE SET "
      "status = excluded.status, filled_quantity_e8 = excluded.filled_quantity_e8, "
      "average_fill_price_e8 = excluded.average_fill_price_e8, updated_ns = excluded.updated_ns WHERE " +
      orderProgress("excluded") + " >= " + orderProgress("orders");
  RRR_ASSIGN_OR_RETURN(auto* upsert, db.cached(sql));
  return upsert->bind(1, text(o.client_order_id())).bind(2, text(o.exchange_order_id())).bind(3, text(o.strategy_id()))
      .bind(4, text(o.symbol())).bind(5, std::string_view(msg::EnumNameSide(o.side())))
      .bind(6, std::string_view(msg::EnumNameOrderType(o.order_type())))
      .bind(7, std::string_view(msg::EnumNameTimeInForce(o.time_in_force())))
      .bind(8, std::string_view(msg::EnumNameOrderStatus(o.status()))).bind(9, o.quantity_e8()).bind(10, o.limit_price_e8())
      .bind(11, o.stop_price_e8()).bind(12, o.filled_quantity_e8()).bind(13, o.average_fill_price_e8()).bind(14, o.created_time_ns())
      .bind(15, o.updated_time_ns()).run();
}

Status<SqlError> insertOrderUpdate(Database& db, const msg::OrderUpdate& u, std::int64_t time_ns) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO order_updates VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  return insert->bind(1, text(u.client_order_id())).bind(2, std::string_view(msg::EnumNameOrderStatus(u.previous_status())))
      .bind(3, std::string_view(msg::EnumNameOrderStatus(u.status()))).bind(4, u.filled_quantity_e8())
      .bind(5, u.remaining_quantity_e8()).bind(6, text(u.reason())).bind(7, time_ns).run();
}

Status<SqlError> insertFill(Database& db, const msg::Fill& f) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO trades VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  return insert->bind(1, text(f.fill_id())).bind(2, text(f.client_order_id())).bind(3, text(f.symbol()))
      .bind(4, std::string_view(msg::EnumNameSide(f.side()))).bind(5, f.price_e8()).bind(6, f.quantity_e8()).bind(7, f.fee_e8())
      .bind(8, text(f.fee_currency())).bind(9, std::string_view(msg::EnumNameLiquidity(f.liquidity()))).bind(10, f.time_ns()).run();
}

// A snapshot row per event time (the last one at a time wins) and the positions as of it. A
// position's row, like an order's, never goes back to an earlier event time: the engine
// regenerating after a power cut sends its earlier snapshots again.
Status<SqlError> insertSnapshot(Database& db, const msg::PortfolioSnapshot& p, std::int64_t time_ns) {
  std::string cash = "{";
  if (p.cash() != nullptr) {
    for (const auto* balance : *p.cash()) {
      cash += (cash.size() > 1 ? "," : "") + std::string("\"") + std::string(text(balance->currency())) + "\":" +
              std::to_string(balance->amount_e8());
    }
  }
  cash += "}";
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT OR REPLACE INTO portfolio_snapshots VALUES (?,?,?,?,?,?,?)"));
  RRR_RETURN_IF_ERROR(insert->bind(1, time_ns).bind(2, p.equity_e8()).bind(3, std::string_view(cash)).bind(4, p.realized_pnl_e8())
      .bind(5, p.unrealized_pnl_e8()).bind(6, p.fees_paid_e8()).bind(7, p.peak_equity_e8()).run());
  if (p.positions() == nullptr) return {};
  for (const auto* position : *p.positions()) {
    RRR_ASSIGN_OR_RETURN(auto* upsert, db.cached(
        "INSERT INTO positions VALUES (?,?,?,?,?,?,?) ON CONFLICT(symbol) DO UPDATE SET quantity_e8 = excluded.quantity_e8, "
        "average_cost_e8 = excluded.average_cost_e8, realized_pnl_e8 = excluded.realized_pnl_e8, "
        "unrealized_pnl_e8 = excluded.unrealized_pnl_e8, mark_price_e8 = excluded.mark_price_e8, updated_ns = excluded.updated_ns "
        "WHERE excluded.updated_ns >= positions.updated_ns"));
    RRR_RETURN_IF_ERROR(upsert->bind(1, text(position->symbol())).bind(2, position->quantity_e8()).bind(3, position->average_cost_e8())
        .bind(4, position->realized_pnl_e8()).bind(5, position->unrealized_pnl_e8()).bind(6, position->mark_price_e8())
        .bind(7, time_ns).run());
  }
  return {};
}

// The limits rrr-risk enforces now replace the mirrored ones.
Status<SqlError> replaceRiskLimits(Database& db, const msg::RiskLimitSet& limits, std::int64_t time_ns) {
  RRR_RETURN_IF_ERROR(db.exec("DELETE FROM risk_limits"));
  if (limits.limits() == nullptr) return {};
  for (const auto* limit : *limits.limits()) {
    RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT OR REPLACE INTO risk_limits VALUES (?,?,?)"));
    RRR_RETURN_IF_ERROR(insert->bind(1, text(limit->name())).bind(2, limit->value()).bind(3, time_ns).run());
  }
  return {};
}

// A model found in the models folder: a repeat replaces the row but keeps whether it is active.
Status<SqlError> upsertModel(Database& db, const msg::ModelRecord& m, std::int64_t time_ns) {
  RRR_ASSIGN_OR_RETURN(auto* upsert, db.cached(
      "INSERT INTO ml_models (model_id, version, path, kind, features, horizon_bars, metrics_json, train_from_ns, train_to_ns, "
      "created_ns, window_rows) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (model_id, version) DO UPDATE SET path = excluded.path, "
      "kind = excluded.kind, features = excluded.features, horizon_bars = excluded.horizon_bars, metrics_json = excluded.metrics_json, "
      "train_from_ns = excluded.train_from_ns, train_to_ns = excluded.train_to_ns, created_ns = excluded.created_ns, "
      "window_rows = excluded.window_rows"));
  // The features as a JSON array of names (a name may hold commas: macd:12,26,9).
  auto names = nlohmann::json::array();
  if (m.features() != nullptr) {
    for (const auto* feature : *m.features()) names.push_back(feature->str());
  }
  const auto features = names.dump();
  upsert->bind(1, text(m.model_id())).bind(2, static_cast<std::int64_t>(m.version())).bind(3, text(m.path())).bind(4, text(m.kind()))
      .bind(5, std::string_view(features)).bind(6, static_cast<std::int64_t>(m.horizon_bars()))
      .bind(7, m.metrics_json() != nullptr ? m.metrics_json()->string_view() : std::string_view("{}"));
  m.train_from_ns() ? upsert->bind(8, *m.train_from_ns()) : upsert->bindNull(8);
  m.train_to_ns() ? upsert->bind(9, *m.train_to_ns()) : upsert->bindNull(9);
  return upsert->bind(10, m.created_ns() > 0 ? m.created_ns() : time_ns).bind(11, static_cast<std::int64_t>(m.window())).run();
}

// The model rrr-infer predicts with now is the one row marked active (none for an empty id).
Status<SqlError> markActiveModel(Database& db, const msg::ActiveModel& active) {
  RRR_ASSIGN_OR_RETURN(auto* update, db.cached("UPDATE ml_models SET active = (model_id = ? AND version = ?)"));
  return update->bind(1, text(active.model_id())).bind(2, static_cast<std::int64_t>(active.version())).run();
}

}  // namespace

Status<SqlError> insertBar(Database& db, const msg::Bar& bar, std::int64_t ring_instance, std::uint64_t sequence) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO market_data VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  return insert->bind(1, text(bar.symbol())).bind(2, static_cast<std::int64_t>(bar.interval_s())).bind(3, bar.open_time_ns())
      .bind(4, bar.open_e8()).bind(5, bar.high_e8()).bind(6, bar.low_e8()).bind(7, bar.close_e8()).bind(8, bar.volume_e8())
      .bind(9, bar.quote_volume_e8()).bind(10, static_cast<std::int64_t>(bar.trade_count())).bind(11, ring_instance)
      .bind(12, asInteger(sequence)).run();
}

Status<SqlError> insertTrade(Database& db, const msg::Trade& trade, std::int64_t ring_instance, std::uint64_t sequence) {
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO market_trades VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  return insert->bind(1, text(trade.symbol())).bind(2, trade.time_ns()).bind(3, asInteger(trade.trade_id()))
      .bind(4, trade.price_e8()).bind(5, trade.quantity_e8()).bind(6, static_cast<std::int64_t>(trade.aggressor()))
      .bind(7, ring_instance).bind(8, asInteger(sequence)).run();
}

Status<SqlError> insertTradingRow(Database& db, const msg::Envelope& envelope, std::int64_t ring_instance,
                                  std::uint64_t sequence) {
  if (const auto* prediction = envelope.body_as_Prediction()) return insertPrediction(db, *prediction, ring_instance, sequence);
  if (const auto* intent = envelope.body_as_OrderIntent()) return insertIntent(db, *intent, ring_instance, sequence);
  if (const auto* decision = envelope.body_as_RiskDecision()) {
    return insertDecision(db, *decision, envelope.event_time_ns(), ring_instance, sequence);
  }
  if (const auto* alert = envelope.body_as_Alert()) return insertAlert(db, *alert, envelope.publish_time_ns());
  if (const auto* event = envelope.body_as_RiskEvent()) return insertRiskEvent(db, *event, envelope.event_time_ns());
  if (const auto* process = envelope.body_as_ProcessStatus()) return insertProcessEvent(db, *process, envelope.publish_time_ns());
  if (const auto* order = envelope.body_as_Order()) return upsertOrder(db, *order);
  if (const auto* update = envelope.body_as_OrderUpdate()) return insertOrderUpdate(db, *update, envelope.event_time_ns());
  if (const auto* fill = envelope.body_as_Fill()) return insertFill(db, *fill);
  if (const auto* snapshot = envelope.body_as_PortfolioSnapshot()) return insertSnapshot(db, *snapshot, envelope.event_time_ns());
  if (const auto* limits = envelope.body_as_RiskLimitSet()) return replaceRiskLimits(db, *limits, envelope.publish_time_ns());
  if (const auto* model = envelope.body_as_ModelRecord()) return upsertModel(db, *model, envelope.publish_time_ns());
  if (const auto* active = envelope.body_as_ActiveModel()) return markActiveModel(db, *active);
  spdlog::warn("{} (sequence {}) is not stored yet", messages::typeName(envelope.body_type()), sequence);
  return {};
}

std::optional<AuditEntry> auditEntryFor(const msg::Envelope& envelope) {
  if (const auto* i = envelope.body_as_OrderIntent()) {
    return AuditEntry{"order_intent", std::string(text(i->client_order_id())),
                      std::string(msg::EnumNameIntentAction(i->action())) + " " + msg::EnumNameSide(i->side()) + " " +
                          std::to_string(i->quantity_e8()) + "e-8 " + std::string(text(i->symbol())) + " " +
                          msg::EnumNameOrderType(i->order_type()) + " " + msg::EnumNameTimeInForce(i->time_in_force()) +
                          " limit=" + std::to_string(i->limit_price_e8()) + " stop=" + std::to_string(i->stop_price_e8()) +
                          " strategy=" + std::string(text(i->strategy_id()))};
  }
  if (const auto* d = envelope.body_as_RiskDecision()) {
    return AuditEntry{"risk_decision", std::string(text(d->client_order_id())),
                      std::string(d->approved() ? "approved" : "rejected") + " rule=" + msg::EnumNameRiskRule(d->rule()) +
                          " limit=" + std::to_string(d->limit_value()) + " observed=" + std::to_string(d->observed_value()) +
                          (d->detail() != nullptr && d->detail()->size() > 0 ? " " + d->detail()->str() : "")};
  }
  if (const auto* f = envelope.body_as_Fill()) {
    return AuditEntry{"fill", std::string(text(f->client_order_id())),
                      std::string(text(f->fill_id())) + " " + msg::EnumNameSide(f->side()) + " " + std::to_string(f->quantity_e8()) +
                          "e-8 " + std::string(text(f->symbol())) + " at " + std::to_string(f->price_e8()) + "e-8 fee " +
                          std::to_string(f->fee_e8()) + "e-8 " + std::string(text(f->fee_currency()))};
  }
  if (const auto* e = envelope.body_as_RiskEvent(); e != nullptr && e->rule() == msg::RiskRule::KillSwitch) {
    return AuditEntry{"kill_switch", "risk", std::string(e->kill_switch_active() ? "on" : "off") +
                                                 (e->detail() != nullptr && e->detail()->size() > 0 ? ": " + e->detail()->str() : "")};
  }
  if (const auto* e = envelope.body_as_RiskEvent();
      e != nullptr && (e->rule() == msg::RiskRule::TradingHalted || e->rule() == msg::RiskRule::Rearmed)) {
    return AuditEntry{"trading_halt", "risk", std::string(e->trading_halted() ? "halted" : "re-armed") +
                                                  (e->detail() != nullptr && e->detail()->size() > 0 ? ": " + e->detail()->str() : "")};
  }
  if (const auto* a = envelope.body_as_Alert(); a != nullptr && text(a->rule()) == "config-reload") {
    return AuditEntry{"config_change", std::string(text(a->subject())), std::string(text(a->message()))};
  }
  if (const auto* p = envelope.body_as_ProcessStatus()) {
    const bool restart = p->state() == msg::ProcessState::Starting && p->restarts() > 0;
    const bool given_up = p->state() == msg::ProcessState::GivenUp;
    if (restart || given_up) {
      return AuditEntry{restart ? "process_restart" : "process_given_up", std::string(text(p->name())),
                        "pid " + std::to_string(p->pid()) + ", restart " + std::to_string(p->restarts()) +
                            (p->last_exit() != nullptr ? ", after " + p->last_exit()->str() : "")};
    }
  }
  return std::nullopt;
}

Status<SqlError> upsertCursor(Database& db, const std::string& ring, std::int64_t ring_instance, std::uint64_t last_sequence) {
  RRR_ASSIGN_OR_RETURN(auto* upsert, db.cached(
      "INSERT INTO stream_cursors VALUES (?,?,?,?) ON CONFLICT(ring) DO UPDATE SET ring_instance = excluded.ring_instance, "
      "last_sequence = excluded.last_sequence, updated_ns = excluded.updated_ns"));
  return upsert->bind(1, ring).bind(2, ring_instance).bind(3, asInteger(last_sequence)).bind(4, messages::wallClockNs()).run();
}

}  // namespace rrr::store
