#include "engine/engine_messages.h"

namespace rrr::engine {
namespace {

msg::Side sideOf(Side side) { return side == Side::kBuy ? msg::Side::Buy : msg::Side::Sell; }

std::string key(std::string_view type, std::string_view id, std::int64_t time_ns) {
  return std::string(type) + " " + std::string(id) + " @" + std::to_string(time_ns);
}

std::int64_t timeOf(const ExecRecord& record) {
  return std::visit(
      [](const auto& r) -> std::int64_t {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, OrderRecord>) return r.updated_ns;
        if constexpr (std::is_same_v<T, UpdateRecord>) return r.time_ns;
        if constexpr (std::is_same_v<T, FillRecord>) return r.fill.time_ns;
        if constexpr (std::is_same_v<T, SnapshotRecord>) return r.time_ns;
      },
      record);
}

// Builds the message's body in fbb and hands it, typed, to send(body, event time).
template <class Send>
auto encodeIntent(flatbuffers::FlatBufferBuilder& fbb, const IntentOut& intent, Send send) {
  const auto& r = intent.request;
  const auto body = msg::CreateOrderIntent(
      fbb, fbb.CreateString(intent.client_order_id), fbb.CreateString(intent.strategy_id), fbb.CreateString(r.symbol), intent.action,
      sideOf(r.side), r.type, r.time_in_force, r.quantity_e8, r.limit_price_e8, r.stop_price_e8, intent.decision_time_ns,
      intent.target_client_order_id.empty() ? 0 : fbb.CreateString(intent.target_client_order_id));
  return send(body, intent.decision_time_ns);
}

template <class Send>
auto encodeExec(flatbuffers::FlatBufferBuilder& fbb, const ExecRecord& record, std::optional<std::uint64_t> decisions_applied, Send send) {
  const std::int64_t time_ns = timeOf(record);
  if (const auto* order = std::get_if<OrderRecord>(&record)) {
    const auto& s = order->spec;
    const auto body = msg::CreateOrder(fbb, fbb.CreateString(order->client_order_id), 0, fbb.CreateString(order->strategy_id),
                                       fbb.CreateString(s.symbol), sideOf(s.side), s.type, s.time_in_force, order->status, s.quantity_e8,
                                       s.limit_price_e8, s.stop_price_e8, order->filled_e8, order->average_price_e8, order->created_ns,
                                       order->updated_ns);
    return send(body, time_ns);
  }
  if (const auto* update = std::get_if<UpdateRecord>(&record)) {
    const auto& u = update->update;
    const auto body = msg::CreateOrderUpdate(fbb, fbb.CreateString(u.client_order_id), 0, u.previous, u.status, u.filled_e8,
                                             u.remaining_e8, u.reason.empty() ? 0 : fbb.CreateString(u.reason.substr(0, 400)));
    return send(body, time_ns);
  }
  if (const auto* fill = std::get_if<FillRecord>(&record)) {
    const auto& f = fill->fill;
    const auto body = msg::CreateFill(fbb, fbb.CreateString(f.client_order_id), fbb.CreateString(fill->fill_id),
                                      fbb.CreateString(f.fill.symbol), sideOf(f.fill.side), f.fill.price_e8, f.fill.quantity_e8,
                                      f.fill.fee_e8, fbb.CreateString(f.fill.fee_currency), f.liquidity, f.time_ns);
    return send(body, time_ns);
  }
  const auto& snapshot = std::get<SnapshotRecord>(record);
  std::vector<flatbuffers::Offset<msg::Position>> positions;
  for (const auto& [symbol, p] : snapshot.state.positions) {
    positions.push_back(msg::CreatePosition(fbb, fbb.CreateString(symbol), p.quantity_e8, p.average_cost_e8, p.realized_pnl_e8,
                                            p.unrealizedPnl(), p.mark_e8));
  }
  const std::vector<flatbuffers::Offset<msg::CashBalance>> cash{
      msg::CreateCashBalance(fbb, fbb.CreateString(snapshot.currency), snapshot.state.cash_e8)};
  const auto body = msg::CreatePortfolioSnapshot(
      fbb, fbb.CreateVector(cash), fbb.CreateVector(positions), snapshot.equity_e8, snapshot.realized_pnl_e8, snapshot.unrealized_pnl_e8,
      snapshot.state.fees_e8, snapshot.state.peak_equity_e8, snapshot.open_orders, snapshot.day_start_equity_e8, decisions_applied,
      snapshot.rearms_applied);
  return send(body, time_ns);
}

}  // namespace

ring::PublishStatus publishIntent(process::OutputStream& out, const IntentOut& intent) {
  return encodeIntent(out.startMessage(), intent, [&](auto body, std::int64_t time_ns) { return out.publish(body, time_ns); });
}

ring::PublishStatus publishExec(process::OutputStream& out, const ExecRecord& record, std::optional<std::uint64_t> decisions_applied) {
  return encodeExec(out.startMessage(), record, decisions_applied,
                    [&](auto body, std::int64_t time_ns) { return out.publish(body, time_ns); });
}

void rehearseOutput(const CoreOutput& output, process::OutputStream& intents, process::OutputStream& exec) {
  std::uint64_t ahead = 0;
  for (const auto& record : output.exec) {
    encodeExec(exec.startMessage(), record, std::nullopt, [&](auto body, std::int64_t time_ns) { exec.rehearse(body, time_ns, ahead++); });
  }
  ahead = 0;
  for (const auto& intent : output.intents) {
    encodeIntent(intents.startMessage(), intent, [&](auto body, std::int64_t time_ns) { intents.rehearse(body, time_ns, ahead++); });
  }
}

std::string replayKey(const IntentOut& intent) { return key("OrderIntent", intent.client_order_id, intent.decision_time_ns); }

std::string replayKey(const ExecRecord& record) {
  const std::int64_t time_ns = timeOf(record);
  if (const auto* order = std::get_if<OrderRecord>(&record)) return key("Order", order->client_order_id, time_ns);
  if (const auto* update = std::get_if<UpdateRecord>(&record)) return key("OrderUpdate", update->update.client_order_id, time_ns);
  if (const auto* fill = std::get_if<FillRecord>(&record)) return key("Fill", fill->fill_id, time_ns);
  return key("PortfolioSnapshot", "", time_ns);
}

std::string replayKey(const msg::Envelope& envelope) {
  const auto type = messages::typeName(envelope.body_type());
  const auto time_ns = envelope.event_time_ns();
  if (const auto* i = envelope.body_as_OrderIntent()) return key(type, i->client_order_id()->string_view(), time_ns);
  if (const auto* o = envelope.body_as_Order()) return key(type, o->client_order_id()->string_view(), time_ns);
  if (const auto* u = envelope.body_as_OrderUpdate()) return key(type, u->client_order_id()->string_view(), time_ns);
  if (const auto* f = envelope.body_as_Fill()) return key(type, f->fill_id()->string_view(), time_ns);
  return key(type, "", time_ns);
}

}  // namespace rrr::engine
