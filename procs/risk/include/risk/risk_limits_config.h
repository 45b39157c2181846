#pragma once
// rrr-risk's limits from its settings (processes.risk.settings.limits):
//
//   limits:
//     max_position: {BTCUSDT: 0.5, default: 0.1}   # base units per symbol
//     max_order_notional: 5000                      # quote currency
//     max_gross_exposure: 20000
//     max_open_orders: 20
//     max_orders_per_minute: 60
//     price_band_bps: 200
//     max_daily_loss: 500
//     max_drawdown: 0.1                             # a fraction of the equity peak
//
// A missing limit is off (0). A wrong value is an error naming the file, line and key.

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "risk/risk_gate.h"

namespace rrr::risk {

Result<RiskLimits, std::string> loadRiskLimits(const YAML::Node& limits, const std::string& where);

// The limits as (name, value) rows, named as in config (max_position.BTCUSDT, max_position.default,
// max_order_notional, ...), amounts in units, for the risk_limits table.
std::vector<std::pair<std::string, double>> limitRows(const RiskLimits& limits);

}  // namespace rrr::risk
