#include "risk/risk_limits_config.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "common/fixed_point.h"

namespace rrr::risk {
namespace {

std::string at(const YAML::Node& node, const std::string& where, const std::string& key) {
  return where + ":" + std::to_string(node.Mark().line + 1) + ": settings.limits." + key;
}

// A number in [0, most]; absent: 0 (off). `key` names it in messages.
Result<double, std::string> numberAt(const YAML::Node& node, const std::string& where, const std::string& key, double most) {
  if (!node) return 0.0;
  double value = 0;
  try {
    value = node.as<double>();
  } catch (const YAML::Exception&) {
    return makeError(at(node, where, key) + " must be a number");
  }
  if (!std::isfinite(value) || value < 0 || value > most) {
    return makeError(at(node, where, key) + " must be between 0 and " + std::to_string(most));
  }
  return value;
}

Result<double, std::string> number(const YAML::Node& limits, const std::string& where, const std::string& key, double most) {
  return numberAt(limits[key], where, key, most);
}

}  // namespace

Result<RiskLimits, std::string> loadRiskLimits(const YAML::Node& limits, const std::string& where) {
  RiskLimits result;
  if (!limits) return result;
  if (!limits.IsMap()) return makeError(at(limits, where, "") + " must be a map of limits");
  static const char* const kKnown[] = {"max_position", "max_order_notional", "max_gross_exposure", "max_open_orders",
                                       "max_orders_per_minute", "price_band_bps", "max_daily_loss", "max_drawdown"};
  for (const auto& entry : limits) {
    const auto key = entry.first.as<std::string>("");
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return makeError(at(entry.first, where, key) + " is not a limit rrr-risk knows");
    }
  }
  constexpr double kMaxAmount = 9.0e10;
  RRR_ASSIGN_OR_RETURN(const auto notional, number(limits, where, "max_order_notional", kMaxAmount));
  RRR_ASSIGN_OR_RETURN(const auto gross, number(limits, where, "max_gross_exposure", kMaxAmount));
  RRR_ASSIGN_OR_RETURN(const auto open_orders, number(limits, where, "max_open_orders", 1e6));
  RRR_ASSIGN_OR_RETURN(const auto per_minute, number(limits, where, "max_orders_per_minute", 1e6));
  RRR_ASSIGN_OR_RETURN(result.price_band_bps, number(limits, where, "price_band_bps", 10'000));
  RRR_ASSIGN_OR_RETURN(const auto daily_loss, number(limits, where, "max_daily_loss", kMaxAmount));
  RRR_ASSIGN_OR_RETURN(result.max_drawdown, number(limits, where, "max_drawdown", 1));
  result.max_order_notional_e8 = toFixed(notional);
  result.max_gross_exposure_e8 = toFixed(gross);
  result.max_open_orders = static_cast<int>(open_orders);
  result.max_orders_per_minute = static_cast<int>(per_minute);
  result.max_daily_loss_e8 = toFixed(daily_loss);
  const auto positions = limits["max_position"];
  if (positions && !positions.IsMap()) return makeError(at(positions, where, "max_position") + " must map symbols to quantities");
  for (const auto& entry : positions) {
    const auto symbol = entry.first.as<std::string>("");
    RRR_ASSIGN_OR_RETURN(const auto quantity, numberAt(entry.second, where, "max_position." + symbol, kMaxAmount));
    (symbol == "default" ? result.default_max_position_e8 : result.max_position_e8[symbol]) = toFixed(quantity);
  }
  return result;
}

std::vector<std::pair<std::string, double>> limitRows(const RiskLimits& limits) {
  std::vector<std::pair<std::string, double>> rows;
  for (const auto& [symbol, quantity] : limits.max_position_e8) rows.emplace_back("max_position." + symbol, fromFixed(quantity));
  rows.emplace_back("max_position.default", fromFixed(limits.default_max_position_e8));
  rows.emplace_back("max_order_notional", fromFixed(limits.max_order_notional_e8));
  rows.emplace_back("max_gross_exposure", fromFixed(limits.max_gross_exposure_e8));
  rows.emplace_back("max_open_orders", limits.max_open_orders);
  rows.emplace_back("max_orders_per_minute", limits.max_orders_per_minute);
  rows.emplace_back("price_band_bps", limits.price_band_bps);
  rows.emplace_back("max_daily_loss", fromFixed(limits.max_daily_loss_e8));
  rows.emplace_back("max_drawdown", limits.max_drawdown);
  return rows;
}

}  // namespace rrr::risk
