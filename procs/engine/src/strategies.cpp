#include "engine/strategies.h"

#include <charconv>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

#include "common/fixed_point.h"
#include "engine/order_state.h"

namespace rrr::engine {
namespace {

double closeOf(const BarEvent& bar) { return fromFixed(bar.close_e8); }

struct Common {
  std::string id;
  std::vector<std::string> symbols;
  std::int64_t quantity_e8 = 0;
  bool allow_short = false;
  OrderStyle style;
};

std::int64_t lastClose(StrategyContext& context, const std::string& symbol) {
  const auto& bars = context.bars(symbol);
  return bars.empty() ? 0 : bars.back().close_e8;
}

// A strategy that trades toward targets: its orders' fills and updates go to its TargetTrader,
// which is its state.
class TargetStrategy : public Strategy {
 public:
  explicit TargetStrategy(Common common) : common_(std::move(common)), trader_(common_.style) {}
  const std::string& id() const override { return common_.id; }
  const std::vector<std::string>& symbols() const override { return common_.symbols; }
  void onFill(const PaperFill& fill, StrategyContext&) override { trader_.onFill(fill); }
  void onOrderUpdate(const PaperUpdate& update, StrategyContext&) override { trader_.onOrderUpdate(update); }
  std::string saveState() const override { return trader_.save(); }
  Status<std::string> restoreState(const std::string& text) override { return trader_.restore(text); }

 protected:
  Common common_;
  TargetTrader trader_;
};

class MovingAverageCross : public TargetStrategy {
 public:
  MovingAverageCross(Common common, std::size_t fast, std::size_t slow, bool exponential)
      : TargetStrategy(std::move(common)), fast_(fast), slow_(slow), exponential_(exponential) {}
  std::size_t history() const override { return slow_ * 3; }

  void onBar(const BarEvent& bar, StrategyContext& context) override {
    const auto& bars = context.bars(bar.symbol);
    const auto fast = exponential_ ? exponentialAverage(bars, fast_) : simpleAverage(bars, fast_);
    const auto slow = exponential_ ? exponentialAverage(bars, slow_) : simpleAverage(bars, slow_);
    if (!fast || !slow) return;
    const std::int64_t below = common_.allow_short ? -common_.quantity_e8 : 0;
    trader_.setTarget(context, bar.symbol, *fast > *slow ? common_.quantity_e8 : below, bar.close_e8);
  }

 private:
  std::size_t fast_, slow_;
  bool exponential_;
};

class BollingerReversion : public TargetStrategy {
 public:
  BollingerReversion(Common common, std::size_t period, double width)
      : TargetStrategy(std::move(common)), period_(period), width_(width) {}
  std::size_t history() const override { return period_; }

  void onBar(const BarEvent& bar, StrategyContext& context) override {
    const auto& bars = context.bars(bar.symbol);
    const auto middle = simpleAverage(bars, period_);
    const auto deviation = standardDeviation(bars, period_);
    if (!middle || !deviation) return;
    const double close = closeOf(bar);
    const double lower = *middle - width_ * *deviation, upper = *middle + width_ * *deviation;
    const std::int64_t held = trader_.target(bar.symbol);
    std::int64_t target = held;
    if (close < lower) target = common_.quantity_e8;
    if (close > upper) target = common_.allow_short ? -common_.quantity_e8 : 0;
    if (held > 0 && close >= *middle) target = 0;    // back to the mean: take the profit
    if (held < 0 && close <= *middle) target = 0;
    trader_.setTarget(context, bar.symbol, target, bar.close_e8);
  }

 private:
  std::size_t period_;
  double width_;
};

class MlSignal : public TargetStrategy {
 public:
  struct Params {
    double enter = 0.2, exit = 0.05, target_volatility = 0.001;
    std::int64_t max_quantity_e8 = 0;
    std::size_t volatility_bars = 60;
  };
  MlSignal(Common common, Params params) : TargetStrategy(std::move(common)), params_(params) {}
  std::size_t history() const override { return params_.volatility_bars + 1; }
  bool usesPredictions() const override { return true; }
  void onBar(const BarEvent&, StrategyContext&) override {}

  void onPrediction(const PredictionEvent& prediction, StrategyContext& context) override {
    const std::int64_t held = trader_.target(prediction.symbol);
    std::int64_t target = held;
    if (prediction.score > params_.enter) target = size(prediction, context);
    if (common_.allow_short && prediction.score < -params_.enter) target = -size(prediction, context);
    if (held > 0 && prediction.score < params_.exit) target = 0;
    if (held < 0 && prediction.score > -params_.exit) target = 0;
    trader_.setTarget(context, prediction.symbol, target, lastClose(context, prediction.symbol));
  }

 private:
  // quantity x confidence x target volatility / realized volatility, capped.
  std::int64_t size(const PredictionEvent& prediction, StrategyContext& context) const {
    const auto& bars = context.bars(prediction.symbol);
    double scale = 1.0;
    if (bars.size() > params_.volatility_bars) {
      double sum = 0;
      for (std::size_t i = bars.size() - params_.volatility_bars; i < bars.size(); ++i) {
        const double r = std::log(closeOf(bars[i]) / closeOf(bars[i - 1]));
        sum += r * r;
      }
      const double realized = std::sqrt(sum / static_cast<double>(params_.volatility_bars));
      if (realized > 0) scale = params_.target_volatility / realized;
    }
    const double confidence = std::clamp(prediction.confidence, 0.0, 1.0);
    const auto wanted = toFixed(fromFixed(common_.quantity_e8) * confidence * scale);
    return std::min(wanted, params_.max_quantity_e8 > 0 ? params_.max_quantity_e8 : wanted);
  }

  Params params_;
};

class EntryReader {
 public:
  EntryReader(const YAML::Node& entry, std::string where) : entry_(entry), where_(std::move(where)) {}
  std::string at(const std::string& key) const {
    const auto node = entry_[key] ? entry_[key] : entry_;
    return where_ + ":" + std::to_string(node.Mark().line + 1) + ": strategies." + key;
  }
  template <class T>
  Result<T, std::string> get(const std::string& key, std::optional<T> fallback = std::nullopt) const {
    const auto node = entry_[key];
    if (!node) {
      if (fallback) return *fallback;
      return makeError(at(key) + " is required");
    }
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      return makeError(at(key) + " has the wrong type");
    }
  }

 private:
  YAML::Node entry_;
  std::string where_;
};

Result<std::int64_t, std::string> quantityOf(const EntryReader& reader, const std::string& key, std::optional<double> fallback) {
  RRR_ASSIGN_OR_RETURN(const double quantity, reader.get<double>(key, fallback));
  if (!std::isfinite(quantity) || quantity < 0 || quantity > 1e9) return makeError(reader.at(key) + " must be a quantity >= 0");
  return toFixed(quantity);
}

// Targets as earlier versions saved them: "SYMBOL=quantity_e8;...".
Result<std::map<std::string, std::int64_t>, std::string> legacyTargets(const std::string& text) {
  std::map<std::string, std::int64_t> targets;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find(';', at);
    const auto equals = text.find('=', at);
    if (end == std::string::npos || equals == std::string::npos || equals > end) {
      return makeError("bad strategy targets '" + text + "' at offset " + std::to_string(at));
    }
    std::int64_t target = 0;
    const auto* first = text.data() + equals + 1;
    const auto* last = text.data() + end;
    if (std::from_chars(first, last, target).ptr != last) return makeError("bad target quantity in '" + text + "'");
    targets[text.substr(at, equals - at)] = target;
    at = end + 1;
  }
  return targets;
}

}  // namespace

void TargetTrader::setTarget(StrategyContext& context, const std::string& symbol, std::int64_t target_e8, std::int64_t last_close_e8) {
  if (target_e8 == target(symbol)) return;
  targets_[symbol] = target_e8;
  const std::int64_t change = target_e8 - filled(symbol) - working(symbol);
  if (change == 0) return;
  OrderRequest request;
  request.symbol = symbol;
  request.side = change > 0 ? Side::kBuy : Side::kSell;
  request.quantity_e8 = change > 0 ? change : -change;
  if (style_.limit && last_close_e8 > 0) {
    const double offset = (change > 0 ? -1.0 : 1.0) * style_.limit_offset_bps / 10'000.0;
    request.type = msg::OrderType::Limit;
    request.limit_price_e8 = std::llround(static_cast<double>(last_close_e8) * (1.0 + offset));
  }
  working_[context.submit(request)] = WorkingOrder{symbol, change};
}

void TargetTrader::onFill(const PaperFill& fill) {
  const auto found = working_.find(fill.client_order_id);
  if (found == working_.end()) return;   // not this trader's, or from before a restore of an older state
  const std::int64_t signed_e8 = fill.fill.side == Side::kBuy ? fill.fill.quantity_e8 : -fill.fill.quantity_e8;
  filled_[found->second.symbol] += signed_e8;
  found->second.remaining_e8 -= signed_e8;
}

void TargetTrader::onOrderUpdate(const PaperUpdate& update) {
  if (isFinal(update.status)) working_.erase(update.client_order_id);
}

std::string TargetTrader::save() const {
  nlohmann::json working = nlohmann::json::object();
  for (const auto& [id, order] : working_) working[id] = {{"symbol", order.symbol}, {"remaining", order.remaining_e8}};
  return nlohmann::json{{"targets", targets_}, {"filled", filled_}, {"working", working}}.dump();
}

Status<std::string> TargetTrader::restore(const std::string& text) {
  if (!text.empty() && text.front() != '{') {
    RRR_ASSIGN_OR_RETURN(targets_, legacyTargets(text));
    filled_ = targets_;
    working_.clear();
    return {};
  }
  try {
    const auto json = text.empty() ? nlohmann::json::object() : nlohmann::json::parse(text);
    auto targets = json.value("targets", std::map<std::string, std::int64_t>{});
    auto filled = json.value("filled", std::map<std::string, std::int64_t>{});
    std::map<std::string, WorkingOrder> working;
    const auto saved_working = json.contains("working") ? json.at("working") : nlohmann::json::object();
    for (const auto& [id, order] : saved_working.items()) {
      working[id] = WorkingOrder{order.at("symbol").get<std::string>(), order.at("remaining").get<std::int64_t>()};
    }
    targets_ = std::move(targets);
    filled_ = std::move(filled);
    working_ = std::move(working);
  } catch (const nlohmann::json::exception& error) {
    return makeError("bad strategy state '" + text.substr(0, 200) + "': " + error.what());
  }
  return {};
}

std::int64_t TargetTrader::target(const std::string& symbol) const {
  const auto found = targets_.find(symbol);
  return found == targets_.end() ? 0 : found->second;
}

std::int64_t TargetTrader::filled(const std::string& symbol) const {
  const auto found = filled_.find(symbol);
  return found == filled_.end() ? 0 : found->second;
}

std::int64_t TargetTrader::working(const std::string& symbol) const {
  std::int64_t sum = 0;
  for (const auto& [id, order] : working_) {
    if (order.symbol == symbol) sum += order.remaining_e8;
  }
  return sum;
}

std::optional<double> simpleAverage(const std::deque<BarEvent>& bars, std::size_t period) {
  if (period == 0 || bars.size() < period) return std::nullopt;
  double sum = 0;
  for (std::size_t i = bars.size() - period; i < bars.size(); ++i) sum += closeOf(bars[i]);
  return sum / static_cast<double>(period);
}

std::optional<double> exponentialAverage(const std::deque<BarEvent>& bars, std::size_t period) {
  if (period == 0 || bars.size() < period) return std::nullopt;
  double ema = 0;
  for (std::size_t i = 0; i < period; ++i) ema += closeOf(bars[i]);
  ema /= static_cast<double>(period);
  const double alpha = 2.0 / (static_cast<double>(period) + 1.0);
  for (std::size_t i = period; i < bars.size(); ++i) ema += alpha * (closeOf(bars[i]) - ema);
  return ema;
}

std::optional<double> standardDeviation(const std::deque<BarEvent>& bars, std::size_t period) {
  const auto mean = simpleAverage(bars, period);
  if (!mean) return std::nullopt;
  double sum = 0;
  for (std::size_t i = bars.size() - period; i < bars.size(); ++i) sum += (closeOf(bars[i]) - *mean) * (closeOf(bars[i]) - *mean);
  return std::sqrt(sum / static_cast<double>(period));
}

Result<std::unique_ptr<Strategy>, std::string> makeStrategy(const YAML::Node& entry, const std::string& where) {
  const EntryReader reader(entry, where);
  if (!entry.IsMap()) return makeError(reader.at("") + ": a strategy is a map with id, type and symbols");
  Common common;
  RRR_ASSIGN_OR_RETURN(common.id, reader.get<std::string>("id"));
  RRR_ASSIGN_OR_RETURN(const auto type, reader.get<std::string>("type"));
  RRR_ASSIGN_OR_RETURN(common.symbols, reader.get<std::vector<std::string>>("symbols"));
  RRR_ASSIGN_OR_RETURN(common.quantity_e8, quantityOf(reader, "quantity", std::nullopt));
  RRR_ASSIGN_OR_RETURN(common.allow_short, reader.get<bool>("allow_short", false));
  RRR_ASSIGN_OR_RETURN(const auto order, reader.get<std::string>("order", std::string("market")));
  RRR_ASSIGN_OR_RETURN(common.style.limit_offset_bps, reader.get<double>("limit_offset_bps", 0.0));
  if (order != "market" && order != "limit") return makeError(reader.at("order") + " must be market or limit");
  if (!(common.style.limit_offset_bps >= 0 && common.style.limit_offset_bps < 5000)) {
    return makeError(reader.at("limit_offset_bps") + " must be between 0 and 5000");
  }
  common.style.limit = order == "limit";
  if (common.symbols.empty()) return makeError(reader.at("symbols") + " must name at least one symbol");
  if (type == "ma_cross") {
    RRR_ASSIGN_OR_RETURN(const auto fast, reader.get<std::size_t>("fast", 10));
    RRR_ASSIGN_OR_RETURN(const auto slow, reader.get<std::size_t>("slow", 30));
    RRR_ASSIGN_OR_RETURN(const auto average, reader.get<std::string>("average", std::string("ema")));
    if (fast == 0 || slow <= fast) return makeError(reader.at("slow") + " must be longer than fast (> 0)");
    if (average != "ema" && average != "sma") return makeError(reader.at("average") + " must be ema or sma");
    return std::unique_ptr<Strategy>(std::make_unique<MovingAverageCross>(std::move(common), fast, slow, average == "ema"));
  }
  if (type == "bollinger") {
    RRR_ASSIGN_OR_RETURN(const auto period, reader.get<std::size_t>("period", 20));
    RRR_ASSIGN_OR_RETURN(const auto width, reader.get<double>("width", 2.0));
    if (period < 2 || !(width > 0)) return makeError(reader.at("period") + ": needs period >= 2 and width > 0");
    return std::unique_ptr<Strategy>(std::make_unique<BollingerReversion>(std::move(common), period, width));
  }
  if (type == "ml_signal") {
    MlSignal::Params params;
    RRR_ASSIGN_OR_RETURN(params.enter, reader.get<double>("enter", params.enter));
    RRR_ASSIGN_OR_RETURN(params.exit, reader.get<double>("exit", params.exit));
    RRR_ASSIGN_OR_RETURN(params.target_volatility, reader.get<double>("target_volatility", params.target_volatility));
    RRR_ASSIGN_OR_RETURN(params.max_quantity_e8, quantityOf(reader, "max_quantity", 0.0));
    RRR_ASSIGN_OR_RETURN(params.volatility_bars, reader.get<std::size_t>("volatility_bars", params.volatility_bars));
    if (params.exit > params.enter || params.volatility_bars < 2) {
      return makeError(reader.at("exit") + ": needs exit <= enter and volatility_bars >= 2");
    }
    return std::unique_ptr<Strategy>(std::make_unique<MlSignal>(std::move(common), params));
  }
  return makeError(reader.at("type") + ": unknown strategy type '" + type + "' (ma_cross, bollinger, ml_signal)");
}

}  // namespace rrr::engine
