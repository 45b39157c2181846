#include "engine/engine_config.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "common/fixed_point.h"
#include "engine/strategies.h"

namespace rrr::engine {
namespace {

std::string at(const YAML::Node& node, const std::string& where, const std::string& key) {
  return where + ":" + std::to_string(node.Mark().line + 1) + ": settings." + key;
}

// map[key] as a number in [low, high]; absent: fallback.
Result<double, std::string> numberIn(const YAML::Node& map, const std::string& where, const std::string& prefix, const char* key,
                                     double fallback, double low, double high) {
  const auto node = map[key];
  if (!node) return fallback;
  double value = 0;
  try {
    value = node.as<double>();
  } catch (const YAML::Exception&) {
    return makeError(at(node, where, prefix + key) + " must be a number");
  }
  if (!std::isfinite(value) || value < low || value > high) {
    return makeError(at(node, where, prefix + key) + " must be between " + formatFixed(toFixed(low)) + " and " +
                     formatFixed(toFixed(high)));
  }
  return value;
}

Status<std::string> loadPaper(const YAML::Node& paper, const std::string& where, PaperConfig& config) {
  if (!paper) return {};
  if (!paper.IsMap()) return makeError(at(paper, where, "paper") + " must be a map");
  RRR_ASSIGN_OR_RETURN(config.taker_fee_bps, numberIn(paper, where, "paper.", "taker_fee_bps", config.taker_fee_bps, 0, 1000));
  RRR_ASSIGN_OR_RETURN(config.maker_fee_bps, numberIn(paper, where, "paper.", "maker_fee_bps", config.maker_fee_bps, 0, 1000));
  RRR_ASSIGN_OR_RETURN(config.slippage_bps, numberIn(paper, where, "paper.", "slippage_bps", config.slippage_bps, 0, 1000));
  RRR_ASSIGN_OR_RETURN(config.impact_bps, numberIn(paper, where, "paper.", "impact_bps", config.impact_bps, 0, 10000));
  RRR_ASSIGN_OR_RETURN(config.max_volume_share, numberIn(paper, where, "paper.", "max_volume_share", config.max_volume_share, 0.0001, 1));
  RRR_ASSIGN_OR_RETURN(const double latency_ms, numberIn(paper, where, "paper.", "latency_ms", static_cast<double>(config.latency_ns) / 1e6, 0, 60000));
  config.latency_ns = std::llround(latency_ms * 1e6);
  return {};
}

Status<std::string> loadAccount(const YAML::Node& account, const std::string& where, EngineSettings& settings) {
  if (!account) return {};
  if (!account.IsMap()) return makeError(at(account, where, "account") + " must be a map");
  if (const auto currency = account["currency"]) {
    const auto text = currency.as<std::string>("");
    if (text.empty() || text.size() > 12) return makeError(at(currency, where, "account.currency") + " must be a currency code");
    settings.core.paper.quote_currency = text;
  }
  RRR_ASSIGN_OR_RETURN(const double cash, numberIn(account, where, "account.", "starting_cash", fromFixed(settings.core.starting_cash_e8), 0, 9e10));
  settings.core.starting_cash_e8 = toFixed(cash);
  return {};
}

}  // namespace

Result<EngineSettings, std::string> loadEngineSettings(process::ProcessSettings& settings) {
  EngineSettings result;
  const auto& where = settings.where();
  static const char* const kKnown[] = {"account", "paper", "fill_interval_s", "snapshot_every_s", "checkpoint_every_ms",
                                       "decision_timeout_ms", "strategies"};
  for (const auto& entry : settings.all()) {
    const auto key = entry.first.as<std::string>("");
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return makeError(at(entry.first, where, key) + " is not an engine setting (account, paper, fill_interval_s, snapshot_every_s, "
                       "checkpoint_every_ms, decision_timeout_ms, strategies)");
    }
  }
  RRR_RETURN_IF_ERROR(loadAccount(settings.node("account"), where, result));
  RRR_RETURN_IF_ERROR(loadPaper(settings.node("paper"), where, result.core.paper));
  const int fill_interval_s = settings.get<int>("fill_interval_s", 60);
  const int snapshot_every_s = settings.get<int>("snapshot_every_s", 60);
  const int checkpoint_ms = settings.get<int>("checkpoint_every_ms", 1000);
  const int decision_timeout_ms = settings.get<int>("decision_timeout_ms", 1000);
  if (settings.error()) return makeError(*settings.error());
  if (fill_interval_s <= 0 || snapshot_every_s <= 0 || checkpoint_ms <= 0 || decision_timeout_ms <= 0) {
    return makeError(where + ": settings.fill_interval_s, snapshot_every_s, checkpoint_every_ms and decision_timeout_ms must be positive");
  }
  result.core.fill_interval_s = fill_interval_s;
  result.core.snapshot_interval_ns = std::int64_t{snapshot_every_s} * 1'000'000'000;
  result.checkpoint_every = std::chrono::milliseconds(checkpoint_ms);
  result.decision_timeout = std::chrono::milliseconds(decision_timeout_ms);
  const auto strategies = settings.node("strategies");
  if (strategies && !strategies.IsSequence()) return makeError(at(strategies, where, "strategies") + " must be a list");
  std::vector<std::string> ids;
  for (const auto& entry : strategies) {
    RRR_ASSIGN_OR_RETURN(auto strategy, makeStrategy(entry, where));
    if (std::find(ids.begin(), ids.end(), strategy->id()) != ids.end()) {
      return makeError(at(entry, where, "strategies") + ": id '" + strategy->id() + "' is used twice");
    }
    ids.push_back(strategy->id());
    result.strategies.push_back(std::move(strategy));
  }
  return result;
}

}  // namespace rrr::engine
