#include "engine/engine_checkpoint.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "common/os/durable_file.h"

namespace rrr::engine {
namespace {

using nlohmann::json;

json specJson(const OrderRequest& spec) {
  return {{"symbol", spec.symbol}, {"side", static_cast<int>(spec.side)}, {"type", static_cast<int>(spec.type)},
          {"tif", static_cast<int>(spec.time_in_force)}, {"quantity", spec.quantity_e8}, {"limit", spec.limit_price_e8},
          {"stop", spec.stop_price_e8}};
}

OrderRequest specFrom(const json& j) {
  OrderRequest spec;
  spec.symbol = j.at("symbol").get<std::string>();
  spec.side = static_cast<Side>(j.at("side").get<int>());
  spec.type = static_cast<msg::OrderType>(j.at("type").get<int>());
  spec.time_in_force = static_cast<msg::TimeInForce>(j.at("tif").get<int>());
  spec.quantity_e8 = j.at("quantity").get<std::int64_t>();
  spec.limit_price_e8 = j.at("limit").get<std::int64_t>();
  spec.stop_price_e8 = j.at("stop").get<std::int64_t>();
  return spec;
}

json portfolioJson(const PortfolioState& state) {
  json positions = json::object();
  for (const auto& [symbol, p] : state.positions) positions[symbol] = {p.quantity_e8, p.average_cost_e8, p.realized_pnl_e8, p.mark_e8};
  return {{"cash", state.cash_e8}, {"fees", state.fees_e8}, {"peak", state.peak_equity_e8}, {"positions", positions}};
}

PortfolioState portfolioFrom(const json& j) {
  PortfolioState state{j.at("cash").get<std::int64_t>(), {}, j.at("fees").get<std::int64_t>(), j.at("peak").get<std::int64_t>()};
  for (const auto& [symbol, p] : j.at("positions").items()) {
    state.positions[symbol] = PositionState{p.at(0).get<std::int64_t>(), p.at(1).get<std::int64_t>(), p.at(2).get<std::int64_t>(),
                                            p.at(3).get<std::int64_t>()};
  }
  return state;
}

json runnerJson(const StrategyRunner::State& state) {
  json series = json::array();
  for (const auto& [key, bars] : state.bars) {
    json rows = json::array();
    for (const auto& b : bars) rows.push_back({b.open_time_ns, b.open_e8, b.high_e8, b.low_e8, b.close_e8, b.volume_e8});
    series.push_back({{"symbol", key.first}, {"interval", key.second}, {"bars", rows}});
  }
  json orders_at = json::array();
  for (const auto& [key, n] : state.orders_at) orders_at.push_back({key.first, key.second, n});
  return {{"series", series}, {"orders_at", orders_at}, {"owners", state.owner_of_order}, {"strategies", state.strategy_states}};
}

StrategyRunner::State runnerFrom(const json& j) {
  StrategyRunner::State state;
  for (const auto& series : j.at("series")) {
    const auto symbol = series.at("symbol").get<std::string>();
    const auto interval = series.at("interval").get<std::int64_t>();
    auto& bars = state.bars[{symbol, interval}];
    for (const auto& row : series.at("bars")) {
      bars.push_back(BarEvent{symbol, interval, row.at(0).get<std::int64_t>(), row.at(1).get<std::int64_t>(), row.at(2).get<std::int64_t>(),
                              row.at(3).get<std::int64_t>(), row.at(4).get<std::int64_t>(), row.at(5).get<std::int64_t>()});
    }
  }
  for (const auto& row : j.at("orders_at")) {
    state.orders_at[{row.at(0).get<std::string>(), row.at(1).get<std::int64_t>()}] = row.at(2).get<int>();
  }
  state.owner_of_order = j.at("owners").get<std::map<std::string, std::string>>();
  state.strategy_states = j.at("strategies").get<std::map<std::string, std::string>>();
  return state;
}

json coreJson(const TradingCore::State& core) {
  json venue = json::array();
  for (const auto& o : core.venue) {
    venue.push_back({{"id", o.client_order_id}, {"spec", specJson(o.spec)}, {"decided", o.decision_time_ns}, {"filled", o.filled_e8},
                     {"triggered", o.triggered}, {"status", static_cast<int>(o.status)}});
  }
  json orders = json::array();
  for (const auto& [id, o] : core.orders) {
    orders.push_back({{"id", id}, {"strategy", o.strategy_id}, {"spec", specJson(o.spec)}, {"status", static_cast<int>(o.status)},
                      {"filled", o.filled_e8}, {"average_price", o.average_price_e8}, {"created", o.created_ns}, {"updated", o.updated_ns},
                      {"fills", o.fills}});
  }
  json awaiting = json::array();
  for (const auto& i : core.awaiting) {
    awaiting.push_back({{"id", i.client_order_id}, {"strategy", i.strategy_id}, {"action", static_cast<int>(i.action)},
                        {"spec", specJson(i.request)}, {"target", i.target_client_order_id}, {"decided", i.decision_time_ns}});
  }
  return {{"portfolio", portfolioJson(core.portfolio)}, {"venue", venue}, {"orders", orders}, {"awaiting", awaiting},
          {"runner", runnerJson(core.runner)}, {"last_bar_close", core.last_bar_close_ns},
          {"last_prediction", core.last_prediction_ns}, {"now", core.now_ns},
          {"next_snapshot", core.next_snapshot_ns}, {"day", core.day}, {"day_start_equity", core.day_start_equity_e8},
          {"last_timer", core.last_timer_ns}, {"rearms_applied", core.rearms_applied}};
}

TradingCore::State coreFrom(const json& j) {
  TradingCore::State core;
  core.portfolio = portfolioFrom(j.at("portfolio"));
  for (const auto& o : j.at("venue")) {
    PaperOrder order{o.at("id").get<std::string>(), specFrom(o.at("spec")), o.at("decided").get<std::int64_t>()};
    order.filled_e8 = o.at("filled").get<std::int64_t>();
    order.triggered = o.at("triggered").get<bool>();
    order.status = static_cast<msg::OrderStatus>(o.at("status").get<int>());
    core.venue.push_back(std::move(order));
  }
  for (const auto& o : j.at("orders")) {
    OrderRecord order;
    order.client_order_id = o.at("id").get<std::string>();
    order.strategy_id = o.at("strategy").get<std::string>();
    order.spec = specFrom(o.at("spec"));
    order.status = static_cast<msg::OrderStatus>(o.at("status").get<int>());
    order.filled_e8 = o.at("filled").get<std::int64_t>();
    order.average_price_e8 = o.at("average_price").get<std::int64_t>();
    order.created_ns = o.at("created").get<std::int64_t>();
    order.updated_ns = o.at("updated").get<std::int64_t>();
    order.fills = o.at("fills").get<int>();
    core.orders[order.client_order_id] = std::move(order);
  }
  for (const auto& i : j.at("awaiting")) {
    IntentOut intent;
    intent.client_order_id = i.at("id").get<std::string>();
    intent.strategy_id = i.at("strategy").get<std::string>();
    intent.action = static_cast<msg::IntentAction>(i.at("action").get<int>());
    intent.request = specFrom(i.at("spec"));
    intent.target_client_order_id = i.at("target").get<std::string>();
    intent.decision_time_ns = i.at("decided").get<std::int64_t>();
    core.awaiting.push_back(std::move(intent));
  }
  core.runner = runnerFrom(j.at("runner"));
  core.last_bar_close_ns = j.at("last_bar_close").get<std::map<std::string, std::int64_t>>();
  // Absent from a checkpoint of an earlier build: a replayed prediction older than its symbol's
  // last bar is still skipped (TradingCore), one made from that very bar is not.
  if (j.contains("last_prediction")) core.last_prediction_ns = j.at("last_prediction").get<std::map<std::string, std::int64_t>>();
  core.now_ns = j.at("now").get<std::int64_t>();
  core.next_snapshot_ns = j.at("next_snapshot").get<std::int64_t>();
  core.day = j.at("day").get<std::int64_t>();
  core.day_start_equity_e8 = j.at("day_start_equity").get<std::int64_t>();
  core.last_timer_ns = j.at("last_timer").get<std::int64_t>();
  core.rearms_applied = j.value("rearms_applied", std::uint64_t{0});   // absent before re-arms were counted
  return core;
}

}  // namespace

std::string checkpointToJson(const EngineCheckpoint& checkpoint) {
  json rings = json::object();
  for (const auto& [name, position] : checkpoint.rings) rings[name] = {{"instance", position.instance}, {"next", position.next}};
  json document{{"version", 1}, {"rings", rings}, {"core", coreJson(checkpoint.core)}};
  if (checkpoint.decisions_applied) document["decisions_applied"] = *checkpoint.decisions_applied;
  return document.dump();
}

Result<EngineCheckpoint, std::string> checkpointFromJson(const std::string& text) {
  const auto document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return makeError("not a JSON object");
  try {
    if (document.at("version").get<int>() != 1) return makeError("version " + document.at("version").dump() + " is not 1");
    EngineCheckpoint checkpoint;
    for (const auto& [name, position] : document.at("rings").items()) {
      checkpoint.rings[name] = RingPosition{position.at("instance").get<std::uint64_t>(), position.at("next").get<std::uint64_t>()};
    }
    if (document.contains("decisions_applied")) checkpoint.decisions_applied = document["decisions_applied"].get<std::uint64_t>();
    checkpoint.core = coreFrom(document.at("core"));
    return checkpoint;
  } catch (const json::exception& error) {
    return makeError(std::string("malformed: ") + error.what());
  }
}

Status<std::string> writeCheckpoint(const std::filesystem::path& path, const EngineCheckpoint& checkpoint) {
  return os::replaceFileDurably(path, checkpointToJson(checkpoint));
}

Result<std::optional<EngineCheckpoint>, std::string> readCheckpoint(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<EngineCheckpoint>();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return makeError("cannot read " + path.string());
  auto checkpoint = checkpointFromJson(text.str());
  if (!checkpoint.ok()) return makeError(path.string() + ": " + checkpoint.error().message);
  return std::optional<EngineCheckpoint>(std::move(checkpoint).value());
}

}  // namespace rrr::engine
